package io.switchboard.aggregate;

import java.time.Instant;

import io.switchboard.events.poll.QueueStat;

/** QueueStat records for tests, at fixed times. */
final class Stats {

    private Stats() {
    }

    /** A point-in-time observation of all media, polled 500 ms after it was observed. */
    static QueueStat.Builder observation(String credential, String queue, Instant observedAt) {
        return QueueStat.newBuilder().setCredentialId(credential).setProvider("genesys-cloud").setJobId("job-" + credential)
                .setPollSequence(observedAt.getEpochSecond()).setQueueId(queue).setQueueName("Queue " + queue)
                .setObservedAt(observedAt).setPolledAt(observedAt.plusMillis(500));
    }

    /** An observation with waiting, longest wait and available agents. */
    static QueueStat obs(String queue, Instant observedAt, String media, long waiting, long longestMs, long available) {
        return observation("genesys-eu", queue, observedAt).setMediaType(media).setWaiting(waiting).setLongestWaitingMs(longestMs)
                .setAgentsAvailable(available).setAgentsOnQueue(available + 2).setInteracting(1L).build();
    }

    /** An interval record [start, end) revised at polledAt. */
    static QueueStat interval(String queue, Instant start, Instant end, Instant polledAt, long offered, long answered, long abandoned,
                              long slNumerator, long slDenominator) {
        return QueueStat.newBuilder().setCredentialId("genesys-eu").setProvider("genesys-cloud").setJobId("job-agg")
                .setPollSequence(polledAt.getEpochSecond()).setQueueId(queue).setQueueName("Queue " + queue).setMediaType("voice")
                .setObservedAt(end).setPolledAt(polledAt).setIntervalStart(start).setIntervalEnd(end)
                .setOffered(offered).setAnswered(answered).setAbandoned(abandoned)
                .setHandleTimeSumMs(answered * 300_000L).setHandleTimeCount(answered)
                .setWaitTimeSumMs(answered * 20_000L).setWaitTimeCount(answered)
                .setServiceLevelNumerator(slNumerator).setServiceLevelDenominator(slDenominator).build();
    }
}
