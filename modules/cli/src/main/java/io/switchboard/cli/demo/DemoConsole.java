package io.switchboard.cli.demo;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's live summary: per tenant the login state and token expiry, polls/s, records/s and errors. On a
 * terminal it is redrawn in place (ANSI cursor movement); otherwise each refresh prints plain lines, so logs and CI
 * output stay readable. Rates are measured between two consecutive snapshots. Not thread-safe: one printing thread.
 */
final class DemoConsole {

    private final PrintWriter out;
    private final boolean inPlace;
    private DemoSnapshot previous;
    private int linesDrawn;

    DemoConsole(PrintWriter out, boolean inPlace) {
        this.out = out;
        this.inPlace = inPlace;
    }

    /** Prints {@code now} (redrawing the last summary on a terminal). */
    void print(DemoSnapshot now) {
        List<String> lines = render(now, previous);
        if (inPlace && linesDrawn > 0) {
            out.print("\u001b[" + linesDrawn + "F\u001b[J"); // up to the first line of the last summary, clear below
        }
        lines.forEach(out::println);
        out.flush();
        linesDrawn = lines.size();
        previous = now;
    }

    /** The summary's lines; {@code before} (may be {@code null}) gives the rates. */
    static List<String> render(DemoSnapshot now, DemoSnapshot before) {
        List<String> lines = new ArrayList<>();
        long up = Duration.between(now.startedAt(), now.at()).toSeconds();
        lines.add(String.format("switchboard demo — up %d s%s", up,
                now.urls().dashboard() == null ? "" : " — dashboard " + now.urls().dashboard()));
        lines.add(String.format("  %-22s %-17s %-16s %9s %8s %10s %7s", "credential", "provider", "login", "token", "logins",
                "expires in", ""));
        for (DemoSnapshot.Credential c : now.credentials()) {
            String expires = c.expiresAt() == null ? "-" : Duration.between(now.at(), c.expiresAt()).toMinutes() + " min";
            lines.add(String.format("  %-22s %-17s %-16s %9s %8d %10s", c.id(), c.provider(), c.state(),
                    c.tokenVersion() == 0 ? "-" : "v" + c.tokenVersion(), c.logins(), expires));
            if ("PARKED".equals(c.state()) && c.reason() != null) {
                lines.add("      parked: " + c.reason());
            }
        }
        if (now.revokedAt() != null) {
            DemoSnapshot.Credential genesys = now.credentials().stream()
                    .filter(c -> c.id().equals(DemoScenario.GENESYS.credentialId())).findFirst().orElse(null);
            if (genesys != null && genesys.loginsSinceRevoke() != null) {
                lines.add(String.format("  the simulator revoked the Genesys token %d s ago: %d login(s) since, for the whole fleet",
                        Duration.between(now.revokedAt(), now.at()).toSeconds(), genesys.loginsSinceRevoke()));
            }
        }
        double seconds = before == null ? 0 : Math.max(0.001, Duration.between(before.at(), now.at()).toMillis() / 1000.0);
        for (DemoSnapshot.Poller p : now.pollers()) {
            DemoSnapshot.Poller q = before == null ? null : before.pollers().stream().filter(x -> x.id().equals(p.id())).findFirst().orElse(null);
            double polls = q == null ? 0 : (p.polls() - q.polls()) / seconds;
            double records = q == null ? 0 : (p.recordsProduced() - q.recordsProduced()) / seconds;
            long errors = p.errorsByKind().values().stream().mapToLong(Long::longValue).sum();
            lines.add(String.format("  %-22s polls/s %6.1f  records/s %8.1f  errors %d %s", p.id(), polls, records, errors,
                    errors == 0 ? "" : p.errorsByKind()));
        }
        for (DemoSnapshot.Tenant t : now.tenants()) {
            lines.add(String.format("  %-22s %-17s queues %4d  records %7d  snapshots %4d  newest %s", t.credentialId(),
                    t.provider(), t.queues(), t.records(), t.snapshots(), t.latestSnapshotAgeMs() == null ? "-" : t.latestSnapshotAgeMs() + " ms old"));
        }
        if (now.aggregator() != null) {
            lines.add(String.format("  %-22s records %d  snapshots %d", "aggregator", now.aggregator().recordsConsumed(),
                    now.aggregator().snapshots()));
        }
        return lines;
    }
}
