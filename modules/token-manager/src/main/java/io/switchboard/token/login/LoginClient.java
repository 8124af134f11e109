package io.switchboard.token.login;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.switchboard.token.login.internal.CognosSessionLogin;
import io.switchboard.token.login.internal.LoginHttp;
import io.switchboard.token.login.internal.TokenEndpointLogin;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Binds validated {@link CredentialSpec}s to their provider profile, giving a {@link CredentialLogin}
 * per credential. Owns one Vert.x {@link WebClient} (connection pool) shared by every bound credential
 * that trusts the JVM's certificate authorities, and one more per distinct {@link CredentialSpec#caBundle()}
 * (created at the first login that needs it). TLS is always verified, host name included; there is no
 * trust-all mode.
 *
 * <p>Thread-safe. Closing it closes the web client; logins bound to it fail afterwards.
 */
public final class LoginClient implements AutoCloseable {

    private final Vertx vertx;
    private final LoginClientOptions options;
    private final WebClient web;
    private final Map<Path, WebClient> withCaBundle = new ConcurrentHashMap<>();
    private final LoginHttp http;

    /** A client with {@link LoginClientOptions#defaults()}. */
    public LoginClient(Vertx vertx) {
        this(vertx, LoginClientOptions.defaults());
    }

    public LoginClient(Vertx vertx, LoginClientOptions options) {
        Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(options, "options");
        this.vertx = vertx;
        this.options = options;
        this.web = WebClient.create(vertx, webOptions(options));
        this.http = new LoginHttp(this::webFor, options);
    }

    private static WebClientOptions webOptions(LoginClientOptions options) {
        return new WebClientOptions()
                .setConnectTimeout((int) options.connectTimeout().toMillis())
                .setUserAgent(options.userAgent())
                .setFollowRedirects(false)
                .setVerifyHost(true)
                .setKeepAlive(true);
    }

    /** The web client that trusts {@code caBundle}'s certificate authorities ({@code null}: the JVM's). */
    private WebClient webFor(Path caBundle) {
        if (caBundle == null) {
            return web;
        }
        return withCaBundle.computeIfAbsent(caBundle.toAbsolutePath().normalize(), path -> {
            if (!Files.isReadable(path)) { // checked at load; gone since: no client is kept, the next login looks again
                throw new IllegalArgumentException("the CA bundle " + path + " is not a readable file");
            }
            return WebClient.create(vertx, webOptions(options).setTrustOptions(new PemTrustOptions().addCertPath(path.toString())));
        });
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
        withCaBundle.values().forEach(WebClient::close);
    }
}
