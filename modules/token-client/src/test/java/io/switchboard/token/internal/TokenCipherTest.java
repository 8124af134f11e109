package io.switchboard.token.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.switchboard.core.Secret;
import io.switchboard.events.token.EncryptedPayload;
import io.switchboard.token.TokenCryptoException;
import io.switchboard.token.TokenKeys;

class TokenCipherTest {

    private static final Map<String, Secret> HEADERS = Map.of("Authorization", Secret.of("Bearer tok-123-secret"));

    private final byte[] k1 = key();
    private final byte[] k2 = key();

    @Test
    void roundTripsAndTheCiphertextHidesTheToken() {
        TokenCipher cipher = new TokenCipher(TokenKeys.of("k1", Map.of("k1", k1)));
        EncryptedPayload payload = cipher.encrypt("genesys-prod", 7, HEADERS);
        assertThat(payload.getKeyId()).isEqualTo("k1");
        assertThat(payload.getAlgorithm()).isEqualTo("AES-256-GCM");
        assertThat(payload.getNonce().remaining()).isEqualTo(12);
        assertThat(new String(bytes(payload.getCiphertext()), StandardCharsets.ISO_8859_1)).doesNotContain("tok-123-secret");
        assertThat(cipher.decrypt("genesys-prod", 7, payload).get("Authorization").reveal()).isEqualTo("Bearer tok-123-secret");
    }

    @Test
    void everyEncryptionUsesAFreshNonce() {
        TokenCipher cipher = new TokenCipher(TokenKeys.of("k1", Map.of("k1", k1)));
        assertThat(cipher.encrypt("c", 1, HEADERS).getNonce()).isNotEqualTo(cipher.encrypt("c", 1, HEADERS).getNonce());
    }

    @Test
    void tamperedCiphertextIsRejected() {
        TokenCipher cipher = new TokenCipher(TokenKeys.of("k1", Map.of("k1", k1)));
        EncryptedPayload payload = cipher.encrypt("c", 1, HEADERS);
        byte[] ct = bytes(payload.getCiphertext());
        ct[3] ^= 1;
        payload.setCiphertext(ByteBuffer.wrap(ct));
        assertThatThrownBy(() -> cipher.decrypt("c", 1, payload)).isInstanceOf(TokenCryptoException.class)
                .hasMessageContaining("does not verify with key 'k1'").hasMessageNotContaining("tok-123");
    }

    @Test
    void aCiphertextCannotBeReplayedUnderAnotherCredentialOrVersion() {
        TokenCipher cipher = new TokenCipher(TokenKeys.of("k1", Map.of("k1", k1)));
        EncryptedPayload payload = cipher.encrypt("genesys-prod", 7, HEADERS);
        assertThatThrownBy(() -> cipher.decrypt("genesys-prod", 8, payload)).isInstanceOf(TokenCryptoException.class);
        assertThatThrownBy(() -> cipher.decrypt("cxone-prod", 7, payload)).isInstanceOf(TokenCryptoException.class);
    }

    @Test
    void swappingTheKeyIdIsDetected() {
        TokenCipher writer = new TokenCipher(TokenKeys.of("k1", Map.of("k1", k1)));
        TokenCipher reader = new TokenCipher(TokenKeys.of("k1", Map.of("k1", k1, "k2", k1)));
        EncryptedPayload payload = writer.encrypt("c", 1, HEADERS);
        payload.setKeyId("k2"); // same key bytes under another id: the associated data still differs
        assertThatThrownBy(() -> reader.decrypt("c", 1, payload)).isInstanceOf(TokenCryptoException.class);
    }

    @Test
    void rotationKeepsOldRecordsReadable() {
        TokenCipher before = new TokenCipher(TokenKeys.of("k1", Map.of("k1", k1)));
        TokenCipher after = new TokenCipher(TokenKeys.of("k2", Map.of("k1", k1, "k2", k2)));
        EncryptedPayload old = before.encrypt("c", 1, HEADERS);
        EncryptedPayload fresh = after.encrypt("c", 2, HEADERS);
        assertThat(fresh.getKeyId()).isEqualTo("k2");
        assertThat(after.decrypt("c", 1, old)).isEqualTo(HEADERS);
        assertThat(after.decrypt("c", 2, fresh)).isEqualTo(HEADERS);
        assertThatThrownBy(() -> before.decrypt("c", 2, fresh)).isInstanceOf(TokenCryptoException.class)
                .hasMessageContaining("key id 'k2'").hasMessageContaining("add that key to encryption.keys as encryption.keys.k2"
                        + " (SWITCHBOARD_ENCRYPTION_KEYS_K2)").hasMessageContaining("To rotate keys");
    }

    @Test
    void wrongKeyUnderTheSameIdFails() {
        EncryptedPayload payload = new TokenCipher(TokenKeys.of("k1", Map.of("k1", k1))).encrypt("c", 1, HEADERS);
        assertThatThrownBy(() -> new TokenCipher(TokenKeys.of("k1", Map.of("k1", k2))).decrypt("c", 1, payload))
                .isInstanceOf(TokenCryptoException.class)
                .hasMessageContaining("does not verify with key 'k1'")
                .hasMessageContaining("encryption.keys.k1 (SWITCHBOARD_ENCRYPTION_KEYS_K1) is not the key the token manager encrypted it with")
                .hasMessageContaining("To rotate keys: add the new key under a new id to encryption.keys")
                .hasMessageContaining("set encryption.activeKeyId")
                .hasMessageNotContaining("tok-123");
    }

    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
