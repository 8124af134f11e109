package io.switchboard.token.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.core.Secret;
import io.switchboard.core.config.ConfigKey;
import io.switchboard.core.config.SharedKeys;
import io.switchboard.events.token.EncryptedPayload;
import io.switchboard.token.TokenCryptoException;
import io.switchboard.token.TokenKeys;

/**
 * AES-256-GCM encryption of the headers in a {@code TokenRecord}: a fresh 96-bit random nonce per
 * record, a 128-bit tag, and associated data {@code credentialId \n version \n keyId}, so a
 * ciphertext cannot be moved to another credential or version, nor its key id swapped.
 * Thread-safe (a {@link Cipher} per call).
 */
public final class TokenCipher {

    /** Value of {@code EncryptedPayload.algorithm}. */
    public static final String ALGORITHM = "AES-256-GCM";

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How keys are rotated, appended to every error about a key. */
    static final String ROTATION = "To rotate keys: add the new key under a new id to " + SharedKeys.ENCRYPTION_KEYS.name()
            + " of every reader and token manager, then set " + SharedKeys.ENCRYPTION_ACTIVE_KEY_ID.name() + " to that id on the"
            + " token managers, and remove the old id only when no token on the topic uses it any more.";

    private final TokenKeys keys;

    public TokenCipher(TokenKeys keys) {
        this.keys = keys;
    }

    /** Encrypts {@code headers} for {@code credentialId} at {@code version} with the active key. */
    public EncryptedPayload encrypt(String credentialId, long version, Map<String, Secret> headers) {
        String keyId = keys.activeKeyId();
        SecretKey key = keys.key(keyId).orElseThrow();
        Map<String, String> clear = new TreeMap<>();
        headers.forEach((name, value) -> clear.put(name, value.reveal()));
        byte[] plain = null;
        try {
            plain = JSON.writeValueAsBytes(clear);
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(credentialId, version, keyId));
            byte[] sealed = cipher.doFinal(plain);
            return EncryptedPayload.newBuilder()
                    .setKeyId(keyId)
                    .setAlgorithm(ALGORITHM)
                    .setNonce(ByteBuffer.wrap(nonce))
                    .setCiphertext(ByteBuffer.wrap(sealed))
                    .build();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new TokenCryptoException("cannot encrypt the token of credential " + credentialId + " version " + version
                    + " with key " + keyId + " (" + e.getClass().getSimpleName() + "); the JVM must support AES/GCM", e);
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    /**
     * Decrypts the headers of {@code credentialId} at {@code version}.
     *
     * @throws TokenCryptoException for an unknown key id, another algorithm, a wrong key, or a
     *                              ciphertext tampered with or replayed under another credential/version
     */
    public Map<String, Secret> decrypt(String credentialId, long version, EncryptedPayload payload) {
        String keyId = payload.getKeyId();
        if (!ALGORITHM.equals(payload.getAlgorithm())) {
            throw new TokenCryptoException("token of credential " + credentialId + " version " + version + " uses algorithm "
                    + payload.getAlgorithm() + "; this reader supports " + ALGORITHM);
        }
        SecretKey key = keys.key(keyId).orElseThrow(() -> new TokenCryptoException("token of credential " + credentialId
                + " version " + version + " is encrypted with key id '" + keyId + "', which this reader does not have (it has "
                + new java.util.TreeSet<>(keys.keyIds()) + "); add that key to encryption.keys as " + keySetting(keyId)
                + ", with the value the token managers use. " + ROTATION));
        byte[] plain = null;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes(payload.getNonce())));
            cipher.updateAAD(associatedData(credentialId, version, keyId));
            plain = cipher.doFinal(bytes(payload.getCiphertext()));
            Map<String, String> clear = JSON.readValue(plain, new TypeReference<Map<String, String>>() { });
            Map<String, Secret> headers = new LinkedHashMap<>();
            clear.forEach((name, value) -> headers.put(name, Secret.of(value)));
            return headers;
        } catch (AEADBadTagException e) {
            throw new TokenCryptoException("token of credential " + credentialId + " version " + version + " does not verify with key '"
                    + keyId + "': either this reader's " + keySetting(keyId) + " is not the key the token manager encrypted it with"
                    + " (give every reader and token manager the same value under that id; a new value needs a new id), or the record"
                    + " was altered or copied from another credential or version. " + ROTATION, e);
        } catch (GeneralSecurityException | java.io.IOException | IllegalArgumentException e) {
            throw new TokenCryptoException("token of credential " + credentialId + " version " + version
                    + " cannot be decrypted (" + e.getClass().getSimpleName() + ")", e);
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    /** The setting that holds key {@code keyId}, with its environment variable: {@code encryption.keys.k1 (SWITCHBOARD_ENCRYPTION_KEYS_K1)}. */
    static String keySetting(String keyId) {
        String name = SharedKeys.ENCRYPTION_KEYS.name() + "." + keyId;
        return name + " (" + ConfigKey.envVarOf(SharedKeys.ENCRYPTION_KEYS.name(), null) + "_" + ConfigKey.envIdOf(keyId) + ")";
    }

    static byte[] associatedData(String credentialId, long version, String keyId) {
        return (credentialId + "\n" + version + "\n" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
