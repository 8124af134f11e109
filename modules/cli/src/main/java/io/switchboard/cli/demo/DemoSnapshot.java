package io.switchboard.cli.demo;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where the demo stands at one instant: what the live summary prints and the {@code --report} file holds.
 * Immutable; carries no secret and no token material.
 *
 * @param at          when it was taken
 * @param startedAt   when the demo started
 * @param revokedAt   when the simulator revoked the Genesys tokens, or {@code null}
 * @param credentials every credential
 * @param pollers     every poller instance
 * @param aggregator  the aggregator, or {@code null} when it is not running
 * @param tenants     per polling credential: what reached the dashboard
 * @param urls        where to look
 */
public record DemoSnapshot(Instant at, Instant startedAt, Instant revokedAt, List<Credential> credentials,
                           List<Poller> pollers, Aggregator aggregator, List<Tenant> tenants, Urls urls) {

    /**
     * One credential as the token manager sees it.
     *
     * @param id                 credential id
     * @param provider           provider profile
     * @param vendor             vendor name shown
     * @param state              token state (PENDING, VALID, REFRESH_FAILING, PARKED)
     * @param reason             why the last login failed, in the doctor's words, or {@code null}
     * @param logins             successful vendor logins
     * @param rejectedLogins     logins the vendor rejected
     * @param tokenVersion       version of the published token, 0 before the first
     * @param expiresAt          expiry of the published token, or {@code null}
     * @param loginsSinceRevoke  successful logins since the simulator revoked the tokens, or {@code null}
     */
    public record Credential(String id, String provider, String vendor, String state, String reason, long logins,
                             long rejectedLogins, long tokenVersion, Instant expiresAt, Long loginsSinceRevoke) {
    }

    /**
     * One poller instance.
     *
     * @param id              instance id
     * @param polls           completed polls
     * @param recordsProduced QueueStat records committed
     * @param errorsByKind    PollErrors by kind
     */
    public record Poller(String id, long polls, long recordsProduced, Map<String, Long> errorsByKind) {
    }

    /**
     * The aggregator.
     *
     * @param recordsConsumed QueueStat records processed
     * @param snapshots       queue snapshots in its store
     */
    public record Aggregator(long recordsConsumed, long snapshots) {
    }

    /**
     * What one polling tenant has on the dashboard.
     *
     * @param credentialId        credential id
     * @param provider            provider profile
     * @param queues              queues polled
     * @param records             QueueStat records the pollers committed for it
     * @param snapshots           queue snapshots visible through the query API
     * @param latestSnapshotAgeMs age of the newest snapshot, or {@code null} when there is none
     */
    public record Tenant(String credentialId, String provider, long queues, long records, long snapshots,
                         Long latestSnapshotAgeMs) {
    }

    /**
     * Where to look.
     *
     * @param simulator        the vendor simulator
     * @param schemaRegistry   the schema registry
     * @param bootstrapServers the Kafka broker
     * @param dashboard        the live dashboard page, or {@code null}
     * @param api              the query API, or {@code null}
     */
    public record Urls(String simulator, String schemaRegistry, String bootstrapServers, String dashboard, String api) {
    }
}
