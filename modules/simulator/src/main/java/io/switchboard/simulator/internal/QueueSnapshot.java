package io.switchboard.simulator.internal;

/**
 * One observation of a queue: the live state plus cumulative counters since the simulator started.
 * Every vendor's answer is a view of the same snapshot, so the figures agree across vendors.
 * The invariants {@link QueueModel} keeps hold in every snapshot: {@code offered = answered + abandoned + waiting +
 * alerting}, {@code answered = interacting + completed}, {@code answeredInSla <= answered},
 * {@code onQueue + offQueue = members}, no count negative.
 *
 * @param sequence           per-queue observation counter: 1, 2, 3, ... (each answer that includes the queue takes one)
 * @param serverTimeMillis   when it was taken
 * @param waiting            contacts waiting
 * @param alerting           contacts alerting (offered to an agent, not yet answered)
 * @param interacting        contacts connected to an agent
 * @param longestWaitingMs   age of the oldest waiting contact, 0 when none waits
 * @param longestInteractingMs age of the longest interaction, 0 when none
 * @param members            member agents
 * @param onQueue            agents on queue (idle + alerting + interacting + acw)
 * @param idle               agents on queue and available
 * @param busy               agents interacting
 * @param acw                agents in after-call work
 * @param offQueue           logged-in agents not on queue
 * @param offered            contacts offered (cumulative; those present at start-up included)
 * @param answered           contacts answered (cumulative)
 * @param abandoned          contacts abandoned (cumulative)
 * @param answeredInSla      answered within 20 s (cumulative; counted when answered)
 * @param handleSumMs        handle time of completed contacts (cumulative)
 * @param completed          completed contacts (cumulative)
 * @param waitSumMs          wait time of answered contacts (cumulative)
 * @param acwSumMs           after-call work time (cumulative)
 */
public record QueueSnapshot(long sequence, long serverTimeMillis, int waiting, int alerting, int interacting,
                            long longestWaitingMs, long longestInteractingMs, int members, int onQueue, int idle, int busy,
                            int acw, int offQueue, long offered, long answered, long abandoned, long answeredInSla,
                            long handleSumMs, long completed, long waitSumMs, long acwSumMs) {

    /** Service level in percent (answered within 20 s over answered + abandoned), 100 when nothing happened. */
    public int serviceLevelPercent() {
        long denom = answered + abandoned;
        return denom == 0 ? 100 : (int) (answeredInSla * 100 / denom);
    }

    /** Splits {@code value} over {@code parts} media types: part {@code i} of it; the parts add up to {@code value}. */
    public static int share(int value, int parts, int i) {
        int base = value / parts;
        return base + (i < value % parts ? 1 : 0);
    }
}
