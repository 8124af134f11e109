package io.switchboard.token.login.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.StringJoiner;

import io.switchboard.token.login.CredentialSpec.BasicEncoding;

/**
 * The two encodings a token request needs: {@code application/x-www-form-urlencoded} bodies, where
 * {@code =}, {@code +}, {@code %}, {@code &} and spaces inside values must be escaped (a CXone access
 * key secret ending in {@code =} must go out as {@code %3D}), and the HTTP Basic header, either raw
 * or with id and secret form-urlencoded first (RFC 6749 §2.3.1 / Appendix B). Stateless.
 */
public final class FormEncoding {

    private FormEncoding() {
    }

    /** Form-urlencodes one name or value (UTF-8; space becomes {@code +}). */
    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A form body {@code a=1&b=2} with every name and value encoded, in map order. */
    public static String form(Map<String, String> params) {
        StringJoiner body = new StringJoiner("&");
        params.forEach((k, v) -> body.add(encode(k) + "=" + encode(v)));
        return body.toString();
    }

    /** The value of an {@code Authorization} header for HTTP Basic client authentication. */
    public static String basic(String id, String secret, BasicEncoding encoding) {
        String pair = encoding == BasicEncoding.FORM_URLENCODED ? encode(id) + ":" + encode(secret) : id + ":" + secret;
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether form-urlencoding changes {@code s}, i.e. whether Basic raw and form-urlencoded differ. */
    public static boolean needsEncoding(String s) {
        return !encode(s).equals(s);
    }
}
