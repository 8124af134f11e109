package io.switchboard.token.internal;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.switchboard.core.Secret;
import io.switchboard.token.TokenKeys;
import io.switchboard.token.login.CredentialSpec;

/**
 * A non-secret fingerprint of a credential's configuration, carried by its status events so that a
 * new owner can tell whether a parked credential is still configured the way the vendor rejected.
 *
 * <p>{@code <activeKeyId>:<base64url of 128 bits>} of HMAC-SHA256 over every component of the
 * {@link CredentialSpec} (provider, URLs, client id, scopes, ... and the secret values), under a key
 * derived from the active encryption key. Secret values go into the MAC, never into the output in
 * clear, and without the encryption key the fingerprint reveals nothing about them; a rotated secret
 * changes the fingerprint and so un-parks the credential. A CA bundle counts by its content as well as its path:
 * adding the missing CA to the file named (what a {@code tls_untrusted} error tells the operator to do) un-parks the
 * credential on restart too. Rotating the active encryption key also changes every fingerprint (a parked credential is
 * then tried once more). Thread-safe.
 */
public final class ConfigFingerprint {

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] PURPOSE = "switchboard/token-manager/config-fingerprint/v1".getBytes(StandardCharsets.UTF_8);

    private ConfigFingerprint() {
    }

    /** The fingerprint of {@code spec} under the active key of {@code keys}. */
    public static String of(CredentialSpec spec, TokenKeys keys) {
        SecretKey key = keys.key(keys.activeKeyId()).orElseThrow();
        try {
            Mac derive = Mac.getInstance(ALGORITHM);
            derive.init(new SecretKeySpec(key.getEncoded(), ALGORITHM));
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(derive.doFinal(PURPOSE), ALGORITHM));
            byte[] digest = mac.doFinal(canonical(spec).getBytes(StandardCharsets.UTF_8));
            return keys.activeKeyId() + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** Every component as {@code length:name length:value}, maps sorted, so that no two specs encode alike. */
    static String canonical(CredentialSpec spec) {
        StringBuilder out = new StringBuilder(512);
        for (RecordComponent component : CredentialSpec.class.getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(spec);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component.getName() + " of a credential spec", e);
            }
            if (value == null && component.getName().equals("caBundle")) {
                continue; // added later: without a bundle, the fingerprints of earlier releases stay the same
            }
            append(out, component.getName());
            append(out, value instanceof Path bundle ? bundle + " " + contentDigest(bundle) : text(value));
        }
        return out.toString();
    }

    /** SHA-256 of the file's bytes, or a marker when it cannot be read now (the login then names the file). */
    private static String contentDigest(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            return "unreadable";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static String text(Object value) {
        if (value == null) {
            return "\u0000";
        }
        if (value instanceof Secret secret) {
            return secret.reveal();
        }
        if (value instanceof Map<?, ?> map) {
            return new TreeMap<>(map).toString();
        }
        return value.toString();
    }

    private static void append(StringBuilder out, String s) {
        out.append(s.length()).append(':').append(s).append(' ');
    }
}
