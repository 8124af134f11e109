package io.switchboard.poll.vendor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.switchboard.events.poll.PollJob;
import io.switchboard.poll.PollRequest;

/** PollJob and PollRequest values for tests. */
final class Jobs {

    private Jobs() {
    }

    static PollJob job(String jobId, String credentialId, String endpoint, List<String> queueIds, Map<String, String> params) {
        return PollJob.newBuilder().setJobId(jobId).setCredentialId(credentialId).setEndpoint(endpoint).setQueueIds(queueIds)
                .setMetrics(List.of()).setIntervalMs(10_000).setEnabled(true).setParams(params)
                .setUpdatedAt(Instant.parse("2024-05-01T00:00:00Z")).build();
    }

    static PollJob job(String endpoint, String credentialId, List<String> queueIds) {
        return job("job-" + endpoint, credentialId, endpoint, queueIds, Map.of());
    }

    static PollRequest request(long sequence, Instant at) {
        return new PollRequest(sequence, at, null, Duration.ofHours(6));
    }
}
