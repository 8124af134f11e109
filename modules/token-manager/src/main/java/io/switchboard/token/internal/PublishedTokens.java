package io.switchboard.token.internal;

import java.util.Optional;
import java.util.OptionalLong;

import io.switchboard.token.TokenView;

/** What is already on the tokens topic, as far as this instance has read it (its TokenTable). */
public interface PublishedTokens {

    /** The newest decrypted token of a credential. */
    Optional<TokenView> current(String credentialId);

    /** The highest version seen, even one that could not be decrypted. */
    OptionalLong latestVersion(String credentialId);
}
