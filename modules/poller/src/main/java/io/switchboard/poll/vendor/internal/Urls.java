package io.switchboard.poll.vendor.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.switchboard.token.TokenView;

/** Building vendor URLs from the token's API base URL. */
public final class Urls {

    private Urls() {
    }

    /** The token's API base URL without a trailing slash; a job on a token without one cannot be polled. */
    public static String apiBase(TokenView token) {
        String base = token.apiBaseUrl();
        if (base == null || base.isBlank()) {
            throw new PollScope.ConfigurationProblem("the token of credential '" + token.credentialId()
                    + "' carries no API base URL — set apiBaseUrl (or the region) in the credential's configuration");
        }
        return strip(base);
    }

    public static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** {@code base + path}, with exactly one slash between them. */
    public static String join(String base, String path) {
        if (path.startsWith("http://") || path.startsWith("https://")) {
            return path;
        }
        return strip(base) + (path.startsWith("/") ? path : "/" + path);
    }

    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The path of a URL for messages (no host, no query). */
    public static String path(String url) {
        try {
            String p = java.net.URI.create(url).getRawPath();
            return p == null || p.isEmpty() ? "/" : p;
        } catch (RuntimeException e) {
            return url;
        }
    }
}
