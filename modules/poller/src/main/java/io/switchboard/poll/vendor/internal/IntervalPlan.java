package io.switchboard.poll.vendor.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which vendor intervals one poll of an interval endpoint fetches. Intervals are aligned to the granularity from the
 * epoch (UTC). A poll re-fetches the last {@code refetchClosed} closed intervals (vendors revise them as
 * conversations complete) and, optionally, the open one; after an outage it backfills from the job's last closed
 * interval, but never further back than the look-back. Each fetched interval is emitted as its latest value, so a
 * re-fetch replaces downstream and never adds. Immutable.
 *
 * @param from        start of the first interval fetched
 * @param closedEnd   end of the newest closed interval (= start of the open one): the job's progress once fetched
 * @param to          end of the last interval fetched ({@code closedEnd}, or one granularity later with the open one)
 * @param granularity interval length
 */
public record IntervalPlan(Instant from, Instant closedEnd, Instant to, Duration granularity) {

    /**
     * @param now            poller clock
     * @param granularity    interval length; must divide a day
     * @param refetchClosed  closed intervals to fetch again each poll (&gt;= 1)
     * @param includeOpen    whether to fetch the open interval too
     * @param lastClosedEnd  the job's progress (end of the last closed interval fetched), or {@code null}
     * @param lookBack       how far back a backfill may reach
     */
    public static IntervalPlan of(Instant now, Duration granularity, int refetchClosed, boolean includeOpen,
                                  Instant lastClosedEnd, Duration lookBack) {
        long g = granularity.toMillis();
        if (g < 60_000 || 86_400_000L % g != 0) {
            throw new PollScope.ConfigurationProblem("granularity " + granularity + " must be at least PT1M and divide a day"
                    + " (e.g. PT5M, PT15M, PT30M, PT1H)");
        }
        long closedEnd = Math.floorDiv(now.toEpochMilli(), g) * g;
        long from = closedEnd - refetchClosed * g;
        if (lastClosedEnd != null && lastClosedEnd.toEpochMilli() < from) {
            long earliest = Math.floorDiv(now.toEpochMilli() - lookBack.toMillis(), g) * g;
            from = Math.max(Math.floorDiv(lastClosedEnd.toEpochMilli(), g) * g, Math.min(earliest, from));
        }
        long to = includeOpen ? closedEnd + g : closedEnd;
        return new IntervalPlan(Instant.ofEpochMilli(from), Instant.ofEpochMilli(closedEnd), Instant.ofEpochMilli(to), granularity);
    }

    /** How many intervals the plan covers. */
    public int intervals() {
        return (int) (Duration.between(from, to).toMillis() / granularity.toMillis());
    }

    /** The plan cut into ranges of at most {@code maxIntervals} intervals each, oldest first. */
    public List<Range> chunks(int maxIntervals) {
        List<Range> out = new ArrayList<>();
        long g = granularity.toMillis();
        for (long s = from.toEpochMilli(); s < to.toEpochMilli(); s += g * maxIntervals) {
            long e = Math.min(to.toEpochMilli(), s + g * maxIntervals);
            out.add(new Range(Instant.ofEpochMilli(s), Instant.ofEpochMilli(e)));
        }
        return out;
    }

    /** {@code [start, end)}. */
    public record Range(Instant start, Instant end) {
        /** ISO-8601 {@code start/end}, as Genesys takes intervals. */
        public String iso() {
            return start + "/" + end;
        }
    }

    /**
     * The progress to report after fetching {@code ranges} with {@code succeeded[i]} telling which succeeded: the end
     * of the contiguous successful prefix, capped at {@link #closedEnd}; {@code null} when the first range failed.
     */
    public Instant progress(List<Range> ranges, boolean[] succeeded) {
        Instant end = null;
        for (int i = 0; i < ranges.size(); i++) {
            if (!succeeded[i]) {
                break;
            }
            end = ranges.get(i).end().isAfter(closedEnd) ? closedEnd : ranges.get(i).end();
        }
        return end != null && end.isAfter(from) ? end : null;
    }
}
