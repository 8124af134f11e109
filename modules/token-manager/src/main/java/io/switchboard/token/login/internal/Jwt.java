package io.switchboard.token.login.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the claims of a JWT (access token or id_token) without verifying it: Switchboard only uses
 * them to learn facts the vendor put there (CXone {@code tenantId}, audience, expiry, scopes); the
 * vendor API verifies the token. Stateless.
 */
public final class Jwt {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Jwt() {
    }

    /** The payload claims, or empty when {@code token} is not a JWT (opaque tokens are normal). */
    public static Optional<JsonNode> claims(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.");
        if (parts.length < 2 || parts.length > 3) {
            return Optional.empty();
        }
        try {
            byte[] json = Base64.getUrlDecoder().decode(stripPadding(parts[1]));
            JsonNode node = JSON.readTree(new String(json, StandardCharsets.UTF_8));
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** A claim as text (arrays joined with a space), or {@code null}. */
    public static String text(JsonNode claims, String name) {
        JsonNode v = claims.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isArray()) {
            StringBuilder sb = new StringBuilder();
            v.forEach(e -> sb.append(sb.length() == 0 ? "" : " ").append(e.asText()));
            return sb.toString();
        }
        return v.asText();
    }

    private static String stripPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        return s.substring(0, end);
    }
}
