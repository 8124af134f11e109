package io.switchboard.poll.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.utils.Utils;

/**
 * When a job polls: at {@code k * interval + offset} on the epoch-millisecond time line, with an offset in
 * {@code [0, interval)} derived from the job id. Every poller computes the same slots for a job, so a job that moves
 * to another poller keeps its rhythm, and the offsets spread a thousand jobs of one interval over the whole interval
 * instead of firing them at one instant. Stateless.
 */
public final class Slots {

    private Slots() {
    }

    /** The offset of {@code jobId}'s slots within its interval: a hash of the id, in {@code [0, intervalMs)}. */
    public static long offsetMs(String jobId, long intervalMs) {
        return Math.floorMod((long) Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8)), intervalMs);
    }

    /** The first slot strictly after {@code after}. */
    public static Instant nextAfter(Instant after, long intervalMs, long offsetMs) {
        long t = after.toEpochMilli();
        long k = Math.floorDiv(t - offsetMs, intervalMs) + 1;
        return Instant.ofEpochMilli(k * intervalMs + offsetMs);
    }

    /** The last slot at or before {@code at}. */
    public static Instant lastAtOrBefore(Instant at, long intervalMs, long offsetMs) {
        long t = at.toEpochMilli();
        long k = Math.floorDiv(t - offsetMs, intervalMs);
        return Instant.ofEpochMilli(k * intervalMs + offsetMs);
    }
}
