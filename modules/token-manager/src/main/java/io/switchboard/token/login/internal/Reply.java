package io.switchboard.token.login.internal;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.MultiMap;

/**
 * One vendor answer, whatever its status: an HTTP status is data, not a transport failure.
 *
 * @param url     the URL that answered (never carries secrets)
 * @param status  HTTP status
 * @param headers response headers
 * @param body    response body as text, empty when none
 * @param date    the vendor's {@code Date} header, or {@code null}
 * @param cookies {@code Set-Cookie} values
 */
public record Reply(String url, int status, MultiMap headers, String body, Instant date, List<String> cookies) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The body as a JSON object, or {@code null} when it is not one. */
    public JsonNode json() {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (Exception e) {
            return null;
        }
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** Value of a cookie set by this answer, or {@code null}. */
    public String cookie(String name) {
        for (String c : cookies) {
            String first = c.split(";", 2)[0];
            int eq = first.indexOf('=');
            if (eq > 0 && first.substring(0, eq).trim().equals(name)) {
                return first.substring(eq + 1).trim();
            }
        }
        return null;
    }
}
