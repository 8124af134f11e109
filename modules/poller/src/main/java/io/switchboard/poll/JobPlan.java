package io.switchboard.poll;

import java.util.List;

/**
 * A plan for every credential: the configured ones, and those that still have jobs on {@code poll-jobs} but no
 * {@code poll:} section any more (all their jobs removed). Immutable.
 *
 * @param credentials one plan per credential, configured ones first in file order
 */
public record JobPlan(List<CredentialPlan> credentials) {

    public JobPlan {
        credentials = List.copyOf(credentials);
    }

    /** Whether applying the plan writes anything. */
    public boolean hasChanges() {
        return credentials.stream().anyMatch(CredentialPlan::hasChanges);
    }

    /** Every problem, prefixed with its credential. */
    public List<String> problems() {
        return credentials.stream().flatMap(c -> c.problems().stream().map(p -> c.credentialId() + ": " + p)).toList();
    }

    /** One summary line per credential. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        credentials.forEach(c -> sb.append(c.summary()).append(System.lineSeparator()));
        return sb.toString();
    }
}
