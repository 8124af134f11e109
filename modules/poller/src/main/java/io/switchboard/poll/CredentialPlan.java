package io.switchboard.poll;

import java.util.List;
import java.util.Objects;

import io.switchboard.events.poll.PollJob;

/**
 * What planning decided for one credential: the jobs it should have, and how they differ from the jobs on
 * {@code poll-jobs}. Immutable.
 *
 * @param credentialId the credential
 * @param jobs         every job the credential should have after the plan is applied (unchanged ones included)
 * @param created      jobs that do not exist yet
 * @param updated      jobs whose definition changed (queues, metrics, interval, params, enabled)
 * @param unchanged    jobs that stay as they are (not rewritten)
 * @param removed      ids of jobs to tombstone
 * @param problems     why part of the plan was skipped (a discovery that failed: those jobs stay as they are), one
 *                     sentence each; never secrets
 */
public record CredentialPlan(String credentialId, List<PollJob> jobs, List<PollJob> created, List<PollJob> updated,
                             List<PollJob> unchanged, List<String> removed, List<String> problems) {

    public CredentialPlan {
        Objects.requireNonNull(credentialId, "credentialId");
        jobs = List.copyOf(jobs);
        created = List.copyOf(created);
        updated = List.copyOf(updated);
        unchanged = List.copyOf(unchanged);
        removed = List.copyOf(removed);
        problems = List.copyOf(problems);
    }

    /** Whether applying the plan writes anything. */
    public boolean hasChanges() {
        return !created.isEmpty() || !updated.isEmpty() || !removed.isEmpty();
    }

    /** One line: {@code genesys-eu: 3 job(s), 1 created, 0 updated, 2 unchanged, 0 removed}. */
    public String summary() {
        return credentialId + ": " + jobs.size() + " job(s), " + created.size() + " created, " + updated.size() + " updated, "
                + unchanged.size() + " unchanged, " + removed.size() + " removed"
                + (problems.isEmpty() ? "" : "; " + String.join("; ", problems));
    }
}
