package io.switchboard.poll.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.switchboard.events.poll.PollJob;

/**
 * The poll jobs of the partitions this poller owns, as read from the compacted {@code poll-jobs} topic (the partition
 * is a table: the latest record per job id, tombstones removed). Written by the assignment consumer, read by the
 * planner. Thread-safe.
 */
public final class JobTable {

    private final Map<Integer, Map<String, PollJob>> partitions = new ConcurrentHashMap<>();

    void put(int partition, PollJob job) {
        partitions.computeIfAbsent(partition, p -> new ConcurrentHashMap<>()).put(job.getJobId(), job);
    }

    PollJob remove(int partition, String jobId) {
        Map<String, PollJob> jobs = partitions.get(partition);
        return jobs == null ? null : jobs.remove(jobId);
    }

    void clear(int partition) {
        partitions.put(partition, new ConcurrentHashMap<>());
    }

    void drop(int partition) {
        partitions.remove(partition);
    }

    /** The jobs of {@code partition} now (a copy). */
    public List<PollJob> jobs(int partition) {
        Map<String, PollJob> jobs = partitions.get(partition);
        return jobs == null ? List.of() : List.copyOf(jobs.values());
    }

    /** The jobs of {@code credentialId} in {@code partition} (a copy). */
    public List<PollJob> jobsOf(String credentialId, int partition) {
        return jobs(partition).stream().filter(j -> j.getCredentialId().equals(credentialId)).toList();
    }

    /** Partitions held. */
    public Set<Integer> partitions() {
        return Set.copyOf(partitions.keySet());
    }
}
