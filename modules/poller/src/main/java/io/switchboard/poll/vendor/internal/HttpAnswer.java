package io.switchboard.poll.vendor.internal;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One HTTP answer of a vendor, read completely (within the body bound). Immutable by convention.
 *
 * @param method  method sent
 * @param url     URL sent (never carries secrets: credentials travel in headers)
 * @param status  HTTP status
 * @param headers answer headers (case-insensitive)
 * @param body    the body, possibly empty
 */
public record HttpAnswer(String method, String url, int status, MultiMap headers, Buffer body) {

    /** A header by case-insensitive name, or {@code null}. */
    public String header(String name) {
        return headers.get(name);
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    public String bodyText() {
        return body == null ? "" : body.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
