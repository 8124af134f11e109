package io.switchboard.simulator.internal;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Minimal HS256 JWTs with a fixed simulator key (clients read the claims; they cannot verify vendor keys anyway). */
final class Jwt {

    private static final byte[] KEY = "switchboard-simulator-signing-key".getBytes(StandardCharsets.UTF_8);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Jwt() {
    }

    static String sign(JsonObject claims) {
        String header = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"sim\"}".getBytes(StandardCharsets.UTF_8));
        String payload = B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
        String input = header + "." + payload;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
