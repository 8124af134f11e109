package io.switchboard.token;

import java.security.SecureRandom;

/** Random AES-256 keys for tests. */
final class TokenKeysForTests {

    private TokenKeysForTests() {
    }

    static byte[] randomKey() {
        byte[] key = new byte[TokenKeys.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
