package io.switchboard.core.supervise;

import java.util.Objects;

/**
 * The state of one supervised component as {@code /ready} reports it: UP, or DOWN with a reason a person can act on.
 * Immutable.
 *
 * @param up     whether the component does its work now
 * @param reason why it is DOWN (never a secret), or {@code null} when UP
 */
public record Health(boolean up, String reason) {

    private static final Health UP = new Health(true, null);

    /** UP: the component works. */
    public static Health ok() {
        return UP;
    }

    /** DOWN because of {@code reason}. */
    public static Health down(String reason) {
        return new Health(false, Objects.requireNonNull(reason, "reason"));
    }
}
