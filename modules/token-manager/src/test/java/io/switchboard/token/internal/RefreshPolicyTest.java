package io.switchboard.token.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.switchboard.token.RefreshSettings;

class RefreshPolicyTest {

    private final RefreshPolicy policy = new RefreshPolicy(RefreshSettings.defaults());

    @Test
    void refreshesAtTheConfiguredShareOfTheLifetimeWithoutJitterAtUZero() {
        // 1 h: 75 % = 45 min, min remaining 2 min allows up to 58 min -> 45 min
        assertThat(policy.refreshDelay(Duration.ofHours(1), 0)).isEqualTo(Duration.ofMinutes(45));
        assertThat(policy.refreshAt(Instant.parse("2025-01-01T00:00:00Z"), Duration.ofHours(1), 0))
                .isEqualTo(Instant.parse("2025-01-01T00:45:00Z"));
    }

    @Test
    void jitterOnlyBringsTheRefreshForwardAndStaysWithinItsShare() {
        Duration lifetime = Duration.ofHours(24);
        Duration base = policy.refreshDelay(lifetime, 0);
        for (double u = 0; u < 1; u += 0.01) {
            Duration d = policy.refreshDelay(lifetime, u);
            assertThat(d).isLessThanOrEqualTo(base);
            assertThat(d.toMillis()).isGreaterThanOrEqualTo((long) (base.toMillis() * 0.9) - 1);
        }
        assertThat(policy.refreshDelay(lifetime, 0.999)).isLessThan(base);
    }

    @Test
    void neverLaterThanTheMinimumRemainingLifetime() {
        // 5 min token: 75 % = 3m45s, but it must be refreshed with 2 min left -> at 3 min
        assertThat(policy.refreshDelay(Duration.ofMinutes(5), 0)).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void tooShortForTheMinimumRemainingRefreshesAtHalfLifeInsteadOfLooping() {
        // 3 s token (tests, the simulator): 3 s - 2 min is negative -> half the lifetime
        assertThat(policy.refreshDelay(Duration.ofSeconds(3), 0)).isEqualTo(Duration.ofMillis(1500));
        assertThat(policy.refreshDelay(Duration.ofSeconds(3), 0.5)).isPositive();
    }

    @Test
    void missingLifetimeUsesTheConfiguredDefault() {
        assertThat(policy.lifetime(null)).isEqualTo(Duration.ofHours(1));
        assertThat(policy.lifetime(Duration.ZERO)).isEqualTo(Duration.ofHours(1));
        assertThat(policy.lifetime(Duration.ofSeconds(86399))).isEqualTo(Duration.ofSeconds(86399));
    }

    @Test
    void backoffDoublesPerFailureUpToTheCapWithJitterBelowIt() {
        assertThat(policy.backoff(1, null, 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(2, null, 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.backoff(5, null, 0)).isEqualTo(Duration.ofSeconds(16));
        assertThat(policy.backoff(10, null, 0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.backoff(500, null, 0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.backoff(5, null, 0.99)).isBetween(Duration.ofMillis(14_400), Duration.ofSeconds(16));
    }

    @Test
    void retryAfterIsHonouredWhenLongerThanTheBackoffButCappedAtTheParkedRetry() {
        assertThat(policy.backoff(1, Duration.ofSeconds(30), 0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.backoff(10, Duration.ofSeconds(30), 0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.backoff(1, Duration.ofDays(3), 0)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void parkedCredentialsWaitTheParkedRetry() {
        assertThat(policy.parked()).isEqualTo(Duration.ofHours(1));
    }
}
