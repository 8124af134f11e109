package io.switchboard.simulator.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Strict {@code application/x-www-form-urlencoded} and Basic-credential decoding, as RFC 6749 servers do it. */
public final class Forms {

    private Forms() {
    }

    /** A body or credential part that is not valid form-urlencoding (a raw {@code %} not followed by two hex digits). */
    public static final class BadEncoding extends Exception {
        private static final long serialVersionUID = 1L;

        BadEncoding(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses a form body. Keys and values are decoded strictly ({@code +} is a space, {@code %XX} a byte).
     *
     * @param truncateAtRawEquals when true a value ends at a second raw {@code =} (servers that split the pair on
     *                            every {@code =}, as CXone does with access keys that were not sent as {@code %3D})
     */
    public static Map<String, String> parse(String body, boolean truncateAtRawEquals) throws BadEncoding {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return out;
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            if (truncateAtRawEquals) {
                int second = v.indexOf('=');
                if (second >= 0) {
                    v = v.substring(0, second);
                }
            }
            out.putIfAbsent(decode(k), decode(v));
        }
        return out;
    }

    /** Strict form-urlencoding decode of one part. */
    public static String decode(String s) throws BadEncoding {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                out.write(' ');
            } else if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw new BadEncoding("'%' at position " + i + " is not followed by two hex digits");
                }
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {@code [user, password]} of a Basic header, raw (not form-decoded); null when absent or not Basic / not Base64. */
    public static String[] basic(String authorization) {
        if (authorization == null || authorization.length() < 6 || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The token of a {@code Bearer} header, or null. */
    public static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }
}
