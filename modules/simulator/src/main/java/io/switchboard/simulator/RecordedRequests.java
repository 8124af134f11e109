package io.switchboard.simulator;

import java.util.List;

/**
 * The requests a simulator received, oldest first, bounded by
 * {@link SimulatorConfig#maxRecordedRequests()}. Admin requests ({@code /_admin}) are not recorded.
 * Thread-safe; a request is recorded before its answer is written, so it is visible once the client has the answer.
 */
public interface RecordedRequests {

    /** A snapshot of every recorded request. */
    List<RecordedRequest> all();

    /** The recorded requests of one vendor. */
    List<RecordedRequest> of(Vendor vendor);

    /** The recorded requests whose path ends with {@code pathSuffix}, e.g. {@code /oauth/token}. */
    List<RecordedRequest> matching(Vendor vendor, String pathSuffix);

    /** How many are recorded. */
    int size();

    /** Forgets every recorded request. */
    void clear();
}
