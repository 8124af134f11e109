package io.switchboard.token;

import io.switchboard.core.SwitchboardException;

/**
 * A token record could not be encrypted or decrypted: unknown key id, wrong key, a ciphertext that
 * was tampered with or replayed under another credential or version. Not retriable for that record:
 * the operator must give the reader the key the writer used (keys are named by id so several can be
 * configured while keys rotate). The message names the credential, version and key id, never key
 * or token material.
 */
public class TokenCryptoException extends SwitchboardException {

    private static final long serialVersionUID = 1L;

    public TokenCryptoException(String message) {
        super(message);
    }

    public TokenCryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
