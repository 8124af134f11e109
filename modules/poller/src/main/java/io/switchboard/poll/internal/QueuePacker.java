package io.switchboard.poll.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.switchboard.events.poll.PollJob;
import io.switchboard.poll.PollSpec;

/**
 * Packs the queues of one {@code poll:} entry into jobs of at most {@code batchSize} queues (one vendor request each),
 * named {@code <credentialId>/<entry name>/<n>}. Packing is sticky: a queue stays in the job it is in; removed queues
 * leave their job, new queues fill the jobs with room first (lowest number first), then new jobs. So adding or
 * removing a queue rewrites one job, not all of them, and a job's progress stays meaningful. Stateless.
 */
public final class QueuePacker {

    private QueuePacker() {
    }

    /** The id prefix of the jobs of {@code spec} under {@code credentialId}. */
    public static String jobIdPrefix(String credentialId, PollSpec spec) {
        return credentialId + "/" + spec.name() + "/";
    }

    /**
     * The jobs {@code spec} needs now.
     *
     * @param queueIds the queues wanted, in order (empty with no batch limit: every queue the endpoint returns)
     * @param existing the jobs of this entry on the topic now
     * @param now      {@code updatedAt} of jobs that change
     * @return the jobs, by number; a job equal to an existing one apart from {@code updatedAt} is the existing record
     */
    public static List<PollJob> pack(String credentialId, PollSpec spec, List<String> queueIds, List<PollJob> existing, Instant now) {
        String prefix = jobIdPrefix(credentialId, spec);
        Map<Integer, List<String>> byNumber = new TreeMap<>();
        Map<Integer, PollJob> existingByNumber = new HashMap<>();
        for (PollJob j : existing) {
            Integer n = number(prefix, j.getJobId());
            if (n != null) {
                existingByNumber.put(n, j);
            }
        }
        Set<String> wanted = new LinkedHashSet<>(queueIds);
        if (spec.batchSize() == 0) {
            byNumber.put(1, new ArrayList<>(wanted));
        } else {
            Set<String> placed = new LinkedHashSet<>();
            existingByNumber.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                List<String> kept = new ArrayList<>();
                for (String q : e.getValue().getQueueIds()) {
                    if (wanted.contains(q) && !placed.contains(q) && kept.size() < spec.batchSize()) {
                        kept.add(q);
                        placed.add(q);
                    }
                }
                byNumber.put(e.getKey(), kept);
            });
            List<String> remaining = wanted.stream().filter(q -> !placed.contains(q)).toList();
            int next = 0;
            for (Map.Entry<Integer, List<String>> e : byNumber.entrySet()) {
                while (e.getValue().size() < spec.batchSize() && !e.getValue().isEmpty() && next < remaining.size()) {
                    e.getValue().add(remaining.get(next++));
                }
            }
            int n = 1;
            while (next < remaining.size()) {
                while (byNumber.containsKey(n) && !byNumber.get(n).isEmpty()) {
                    n++;
                }
                List<String> batch = byNumber.computeIfAbsent(n, k -> new ArrayList<>());
                while (batch.size() < spec.batchSize() && next < remaining.size()) {
                    batch.add(remaining.get(next++));
                }
            }
            byNumber.values().removeIf(List::isEmpty);
        }
        List<PollJob> out = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> e : byNumber.entrySet()) {
            PollJob job = PollJob.newBuilder()
                    .setJobId(prefix + e.getKey())
                    .setCredentialId(credentialId)
                    .setEndpoint(spec.endpoint())
                    .setQueueIds(List.copyOf(e.getValue()))
                    .setMetrics(spec.metrics())
                    .setIntervalMs(spec.interval().toMillis())
                    .setEnabled(spec.enabled())
                    .setParams(new TreeMap<>(spec.params()))
                    .setUpdatedAt(now)
                    .build();
            PollJob old = existingByNumber.get(e.getKey());
            out.add(old != null && sameDefinition(old, job) ? old : job);
        }
        out.sort(Comparator.comparing(PollJob::getJobId));
        return out;
    }

    /** Whether two jobs define the same work ({@code updatedAt} aside). */
    public static boolean sameDefinition(PollJob a, PollJob b) {
        return a.getJobId().equals(b.getJobId()) && a.getCredentialId().equals(b.getCredentialId())
                && a.getEndpoint().equals(b.getEndpoint()) && List.copyOf(a.getQueueIds()).equals(List.copyOf(b.getQueueIds()))
                && List.copyOf(a.getMetrics()).equals(List.copyOf(b.getMetrics())) && a.getIntervalMs() == b.getIntervalMs()
                && a.getEnabled() == b.getEnabled() && Map.copyOf(a.getParams()).equals(Map.copyOf(b.getParams()));
    }

    private static Integer number(String prefix, String jobId) {
        if (!jobId.startsWith(prefix)) {
            return null;
        }
        try {
            int n = Integer.parseInt(jobId.substring(prefix.length()));
            return n > 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
