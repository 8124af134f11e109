package io.switchboard.token.login.internal;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import javax.net.ssl.SSLException;

import io.switchboard.core.config.ConfigKey;
import io.switchboard.token.login.CredentialSpec;
import io.switchboard.token.login.CredentialsConfig;
import io.switchboard.token.login.LoginClientOptions;
import io.switchboard.token.login.LoginException;
import io.switchboard.token.login.LoginException.Kind;
import io.switchboard.core.http.VendorResponses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;

/**
 * Sends one login-related request and turns transport failures (DNS, refused connection, timeout,
 * TLS) into a {@link LoginException} that says what to do. HTTP statuses are returned as a
 * {@link Reply}, never as failures. A credential's requests go through the web client that trusts its
 * {@link CredentialSpec#caBundle()} (the JVM's trust store without one); TLS is always verified. Thread-safe.
 */
public final class LoginHttp {

    /** {@link LoginException#vendorCode()} of a TLS handshake that failed because the vendor's certificate is not trusted. */
    public static final String TLS_UNTRUSTED = "tls_untrusted";

    private final Function<Path, WebClient> webByCaBundle;
    private final LoginClientOptions options;

    /** Every request through {@code web}, whatever the credential's CA bundle (tests, tools). */
    public LoginHttp(WebClient web, LoginClientOptions options) {
        this(caBundle -> web, options);
    }

    /**
     * @param webByCaBundle the web client for a credential's CA bundle ({@code null}: the JVM's trust store)
     */
    public LoginHttp(Function<Path, WebClient> webByCaBundle, LoginClientOptions options) {
        this.webByCaBundle = webByCaBundle;
        this.options = options;
    }

    public LoginClientOptions options() {
        return options;
    }

    /**
     * Sends a request.
     *
     * @param headers request headers (may carry secrets: they go on the wire only)
     * @param body    request body or {@code null}
     */
    public Future<Reply> send(CredentialSpec spec, HttpMethod method, String url, Map<String, String> headers, String body) {
        WebClient web;
        try {
            web = webByCaBundle.apply(spec.caBundle());
        } catch (RuntimeException e) {
            return Future.failedFuture(new LoginException(Kind.CONFIGURATION, VendorErrors.vendor(spec, url)
                    + ": the CA bundle " + spec.caBundle() + " of credential '" + spec.id() + "' cannot be loaded ("
                    + e.getClass().getSimpleName() + ") — make " + CredentialsConfig.CA_BUNDLE.name()
                    + " name a readable PEM file of CA certificates", null, "tls", null, null, null, e));
        }
        HttpRequest<Buffer> request;
        try {
            request = web.requestAbs(method, url);
        } catch (RuntimeException e) {
            return Future.failedFuture(new LoginException(Kind.CONFIGURATION, VendorErrors.vendor(spec, url)
                    + ": cannot send a request to " + url + " (" + e.getClass().getSimpleName()
                    + ") — fix the URL in credential '" + spec.id() + "'", null, null, null, null));
        }
        request.timeout(options.requestTimeout().toMillis());
        request.putHeader("Accept", "application/json");
        headers.forEach(request::putHeader);
        Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sent =
                body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
        return sent.<Reply>map(r -> new Reply(url, r.statusCode(), r.headers(),
                        r.body() == null ? "" : r.bodyAsString(), parseDate(r.getHeader("Date")), List.copyOf(r.cookies())))
                .recover(t -> Future.failedFuture(transportFailure(spec, url, t)));
    }

    LoginException transportFailure(CredentialSpec spec, String url, Throwable t) {
        String host = hostOf(url);
        String vendor = VendorErrors.vendor(spec, url);
        Throwable cause = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnknownHostException) {
                return new LoginException(Kind.CONFIGURATION, vendor + " cannot be reached: host " + host
                        + " does not resolve (DNS) — " + VendorErrors.hostHint(spec), null, "dns", null, null, null, cause);
            }
            if (c instanceof ConnectException) {
                return new LoginException(Kind.TRANSIENT, vendor + " cannot be reached: the connection to " + authority(url)
                        + " was refused — the service or a proxy is down, or the port in the URL is wrong; Switchboard retries with backoff",
                        null, "connection_refused", null, null, null, cause);
            }
            if (c instanceof TimeoutException || c.getClass().getSimpleName().contains("Timeout")) {
                return new LoginException(Kind.TRANSIENT, vendor + " did not answer within "
                        + options.requestTimeout().toSeconds() + " s at " + authority(url) + " — the vendor is slow or a firewall drops the traffic; Switchboard retries with backoff",
                        null, "timeout", null, null, null, cause);
            }
            if (spec.caBundle() != null && (c instanceof java.nio.file.FileSystemException
                    || String.valueOf(c.getMessage()).contains(spec.caBundle().toString()))) {
                return new LoginException(Kind.CONFIGURATION, vendor + ": the CA bundle " + spec.caBundle() + " of credential '"
                        + spec.id() + "' cannot be loaded (" + c.getClass().getSimpleName() + ") — make "
                        + CredentialsConfig.CA_BUNDLE.name() + " name a readable PEM file of CA certificates",
                        null, "tls", null, null, null, cause);
            }
            Throwable chainFailure = c instanceof SSLException ? untrusted(t) : null;
            if (chainFailure != null) {
                return new LoginException(Kind.CONFIGURATION, untrustedMessage(spec, vendor, url, chainFailure),
                        null, TLS_UNTRUSTED, null, null, null, cause);
            }
            if (c instanceof SSLException) {
                return new LoginException(Kind.CONFIGURATION, vendor + " cannot be reached: the TLS handshake with " + authority(url)
                        + " failed (" + c.getClass().getSimpleName() + ") — check that the URL's scheme (http/https) and host are right",
                        null, "tls", null, null, null, cause);
            }
        }
        return new LoginException(Kind.TRANSIENT, vendor + " cannot be reached at " + authority(url) + " ("
                + t.getClass().getSimpleName() + ") — Switchboard retries with backoff", null, "io_error", null, null, null, cause);
    }

    /**
     * The innermost cause saying the handshake failed on the certificate chain (no trusted issuer, expired, bad
     * signature), or {@code null}: its message is the JDK's reason ("unable to find valid certification path to
     * requested target"), where the outer ones are the HTTP client's ("Failed to create SSL connection").
     */
    private static Throwable untrusted(Throwable t) {
        Throwable found = null;
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof CertPathBuilderException || c instanceof CertPathValidatorException || c instanceof CertificateException
                    || m.contains("PKIX path") || m.contains("unable to find valid certification path")) {
                found = c;
            }
        }
        return found;
    }

    private static String untrustedMessage(CredentialSpec spec, String vendor, String url, Throwable chainFailure) {
        ConfigKey<Path> key = CredentialsConfig.CA_BUNDLE;
        String env = ConfigKey.envVarOf(key.name(), spec.id());
        String reason = chainFailure.getMessage() == null ? chainFailure.getClass().getSimpleName() : firstLine(chainFailure.getMessage());
        String start = "The login to " + vendor + " was refused: TLS verification failed for " + authority(url)
                + ", the certificate is not trusted (" + reason + ")";
        if (spec.caBundle() != null) {
            return start + " — the CA bundle " + spec.caBundle() + " (" + key.name() + " of credential '" + spec.id()
                    + "') does not hold the CA that issued it; add that CA's certificate (PEM) to the file, or check the URL's host";
        }
        return start + " — the token manager always verifies TLS, host name included; if the vendor's certificate comes from a"
                + " private CA or a TLS-inspecting proxy, set caBundle in credential '" + spec.id() + "' (" + key.name() + ", or "
                + env + ") to a PEM file of that CA; else check the URL's host";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 160 ? line.substring(0, 160) + "…" : line;
    }

    static String hostOf(String url) {
        try {
            return URI.create(url).getHost();
        } catch (RuntimeException e) {
            return url;
        }
    }

    static String authority(String url) {
        try {
            URI u = URI.create(url);
            return u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
        } catch (RuntimeException e) {
            return url;
        }
    }

    static Instant parseDate(String date) {
        return VendorResponses.httpDate(date);
    }
}
