package io.switchboard.simulator;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request the simulator received, as tests assert on it. Secrets are masked: {@code Authorization},
 * {@code Cookie}, {@code X-XSRF-Token}, {@code IBM-BA-Authorization} values and secret form/JSON fields
 * ({@code client_secret}, {@code password} (CXone access key secrets), {@code refresh_token}, {@code access_token},
 * {@code id_token}, {@code token}, {@code client_assertion}, {@code assertion}, {@code CAMPassword},
 * {@code CAMAPILoginKey}), also in the query string, show as {@code ****}; the Basic scheme and the client id before the colon are kept
 * ({@code Basic genesys-client:****}) so tests can see what was sent.
 *
 * @param at      when it arrived (simulator clock)
 * @param vendor  the vendor whose prefix it hit, or null (admin, unknown path)
 * @param method  HTTP method
 * @param path    path, without query
 * @param query   raw query string (secret parameters masked) or "" when none
 * @param headers header names in lower case; repeated headers joined with ", "
 * @param body    request body as text, secrets masked
 * @param status  status answered (0 when the connection was dropped without an answer)
 */
public record RecordedRequest(Instant at, Vendor vendor, String method, String path, String query,
                              Map<String, String> headers, String body, int status) {

    /** A header by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** Convenience for assertions: requests whose path ends with {@code suffix}. */
    public static List<RecordedRequest> endingWith(List<RecordedRequest> all, String suffix) {
        return all.stream().filter(r -> r.path().endsWith(suffix)).toList();
    }
}
