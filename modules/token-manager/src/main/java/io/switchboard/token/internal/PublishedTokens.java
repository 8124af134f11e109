package io.switchboard.token.internal;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

import io.switchboard.token.TokenView;

/** What is already on the tokens topic, as far as this instance has read it (its TokenTable). */
public interface PublishedTokens {

    /** The newest decrypted token of a credential. */
    Optional<TokenView> current(String credentialId);

    /** The highest version seen, even one that could not be decrypted. */
    OptionalLong latestVersion(String credentialId);

    /** The published tokens as two functions (a {@code TokenTable}'s {@code current} and {@code latestVersion}). */
    static PublishedTokens of(Function<String, Optional<TokenView>> current, Function<String, OptionalLong> latestVersion) {
        return new PublishedTokens() {
            @Override
            public Optional<TokenView> current(String credentialId) {
                return current.apply(credentialId);
            }

            @Override
            public OptionalLong latestVersion(String credentialId) {
                return latestVersion.apply(credentialId);
            }
        };
    }
}
