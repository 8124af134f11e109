package io.switchboard.token.login;

import java.util.Objects;

import io.switchboard.token.login.internal.CognosSessionLogin;
import io.switchboard.token.login.internal.LoginHttp;
import io.switchboard.token.login.internal.TokenEndpointLogin;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Binds validated {@link CredentialSpec}s to their provider profile, giving a {@link CredentialLogin}
 * per credential. Owns one Vert.x {@link WebClient} (connection pool) shared by every bound credential.
 *
 * <p>Thread-safe. Closing it closes the web client; logins bound to it fail afterwards.
 */
public final class LoginClient implements AutoCloseable {

    private final WebClient web;
    private final LoginHttp http;

    /** A client with {@link LoginClientOptions#defaults()}. */
    public LoginClient(Vertx vertx) {
        this(vertx, LoginClientOptions.defaults());
    }

    public LoginClient(Vertx vertx, LoginClientOptions options) {
        Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(options, "options");
        WebClientOptions web = new WebClientOptions()
                .setConnectTimeout((int) options.connectTimeout().toMillis())
                .setUserAgent(options.userAgent())
                .setFollowRedirects(false)
                .setKeepAlive(true);
        this.web = WebClient.create(vertx, web);
        this.http = new LoginHttp(this.web, options);
    }

    /**
     * The login for one credential. Cheap: no I/O happens until {@link CredentialLogin#login}.
     *
     * @throws IllegalArgumentException for a provider this client does not know (cannot happen for
     *                                  specs from {@link CredentialsConfig#parse})
     */
    public CredentialLogin bind(CredentialSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return switch (spec.provider()) {
            case CredentialSpec.COGNOS_ANALYTICS -> new CognosSessionLogin(spec, http);
            case CredentialSpec.GENESYS_CLOUD, CredentialSpec.NICE_CXONE, CredentialSpec.AUTH0, CredentialSpec.OAUTH2 ->
                    new TokenEndpointLogin(spec, http);
            default -> throw new IllegalArgumentException("unknown provider '" + spec.provider() + "' for credential " + spec.id());
        };
    }

    @Override
    public void close() {
        web.close();
    }
}
