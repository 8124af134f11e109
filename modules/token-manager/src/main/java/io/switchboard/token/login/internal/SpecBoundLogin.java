package io.switchboard.token.login.internal;

import io.switchboard.token.login.CredentialLogin;
import io.switchboard.token.login.CredentialSpec;

/**
 * What every provider profile's login has in common: the validated {@link CredentialSpec} it logs in
 * with and the shared HTTP client. Subclasses implement {@link #login}. Immutable; {@link #toString()}
 * names the class, credential and provider only (never a secret).
 */
abstract class SpecBoundLogin implements CredentialLogin {

    protected final CredentialSpec spec;
    protected final LoginHttp http;

    SpecBoundLogin(CredentialSpec spec, LoginHttp http) {
        this.spec = spec;
        this.http = http;
    }

    @Override
    public final String credentialId() {
        return spec.id();
    }

    @Override
    public final String provider() {
        return spec.provider();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + spec.id() + ", " + spec.provider() + "]";
    }
}
