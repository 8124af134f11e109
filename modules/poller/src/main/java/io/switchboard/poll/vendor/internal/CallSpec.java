package io.switchboard.poll.vendor.internal;

import java.util.Map;
import java.util.Objects;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * One vendor request as an adapter describes it.
 *
 * @param method         HTTP method
 * @param url            absolute URL (no secrets in it)
 * @param headers        plain headers (content type...); the token's headers are added per attempt
 * @param body           body, or {@code null}
 * @param label          {@code POST /api/v2/analytics/queues/observations/query}: how messages name the call
 * @param permissionHint the permission or scope the call needs, named in a 403 when the vendor's body does not
 * @param rawJson        the caller reads a 2xx body itself with a streaming parser: {@link VendorCalls} only checks that
 *                       it is not empty and hands it over with {@link CallResult.Ok#json()} null (no tree is built)
 */
public record CallSpec(HttpMethod method, String url, Map<String, String> headers, Buffer body, String label,
                       String permissionHint, boolean rawJson) {

    public CallSpec(HttpMethod method, String url, Map<String, String> headers, Buffer body, String label,
                    String permissionHint) {
        this(method, url, headers, body, label, permissionHint, false);
    }

    /** The same call, its 2xx body read by the caller ({@link #rawJson}). */
    public CallSpec withRawJson() {
        return new CallSpec(method, url, headers, body, label, permissionHint, true);
    }

    public CallSpec {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(label, "label");
    }

    public static CallSpec get(String url, String label, String permissionHint) {
        return new CallSpec(HttpMethod.GET, url, Map.of(), null, label, permissionHint);
    }

    public static CallSpec postJson(String url, String json, String label, String permissionHint) {
        return new CallSpec(HttpMethod.POST, url, Map.of("Content-Type", "application/json"), Buffer.buffer(json), label,
                permissionHint);
    }
}
