package io.switchboard.registry;

import java.time.Instant;
import java.util.Map;

import io.switchboard.events.poll.QueueStat;

/** Sample records of the topic contract for tests. */
public final class QueueStats {

    private QueueStats() {
    }

    /** A fully populated QueueStat. */
    public static QueueStat sample(int n) {
        return QueueStat.newBuilder()
                .setCredentialId("genesys-eu")
                .setTenantId("org-42")
                .setProvider("genesys-cloud")
                .setJobId("job-" + n)
                .setPollSequence(n)
                .setQueueId("queue-" + (n % 10))
                .setQueueName("Support " + (n % 10))
                .setMediaType("voice")
                .setObservedAt(Instant.ofEpochMilli(1_700_000_000_000L + n))
                .setPolledAt(Instant.ofEpochMilli(1_700_000_000_500L + n))
                .setWaiting(3L)
                .setInteracting(7L)
                .setLongestWaitingMs(42_000L)
                .setAgentsOnQueue(12L)
                .setAgentsAvailable(2L)
                .setOffered(100L)
                .setAnswered(95L)
                .setAbandoned(5L)
                .setServiceLevelPercent(91.5)
                .setExtraMetrics(Map.of("oUserPresences.AVAILABLE", 2.0))
                .build();
    }
}
