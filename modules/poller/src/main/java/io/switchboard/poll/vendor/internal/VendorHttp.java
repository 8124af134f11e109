package io.switchboard.poll.vendor.internal;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.switchboard.core.Secret;
import io.switchboard.poll.vendor.VendorHttpOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * The HTTP transport of the vendor side: one pooled keep-alive {@link WebClient} per vendor origin (and CA bundle),
 * HTTP/2 through ALPN on https where the vendor offers it, connect / idle / whole-request timeouts, TLS always verified
 * (host name included), answers read up to a byte bound. An HTTP status is data ({@link HttpAnswer}); only a missing
 * answer fails the future, with a {@link TransportException} that says what to check. Thread-safe.
 */
public final class VendorHttp implements AutoCloseable {

    private final Vertx vertx;
    private final VendorHttpOptions options;
    private final Map<String, WebClient> clients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public VendorHttp(Vertx vertx, VendorHttpOptions options) {
        this.vertx = vertx;
        this.options = options;
    }

    public VendorHttpOptions options() {
        return options;
    }

    /** How many vendor origins have a client (each with its own connection pool). */
    public int clientCount() {
        return clients.size();
    }

    /**
     * Sends one request.
     *
     * @param headers       plain headers
     * @param secretHeaders headers carrying token material, revealed only onto the wire
     * @param body          request body, or {@code null}
     * @param caBundle      PEM file of the CAs to trust for this host, or {@code null} (the JVM's trust store)
     */
    public Future<HttpAnswer> send(HttpMethod method, String url, Map<String, String> headers, Map<String, Secret> secretHeaders,
                                   Buffer body, Path caBundle) {
        if (closed) {
            return Future.failedFuture(new TransportException(TransportException.Kind.CONNECTION_CLOSED,
                    "the poller's HTTP client is closed (shutting down)", null));
        }
        URI uri;
        WebClient client;
        try {
            uri = URI.create(url);
            if (uri.getHost() == null || uri.getScheme() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            client = client(uri, caBundle);
        } catch (RuntimeException e) {
            return Future.failedFuture(new TransportException(TransportException.Kind.DNS, "cannot send a request to '" + url
                    + "' (" + e.getMessage() + "): check the credential's apiBaseUrl and the job's endpoint parameters", e));
        }
        HttpRequest<Buffer> request = client.requestAbs(method, url).as(new BoundedBodyCodec(options.maxBodyBytes()));
        request.timeout(options.requestTimeout().toMillis());
        request.putHeader("Accept", "application/json");
        headers.forEach(request::putHeader);
        secretHeaders.forEach((name, value) -> request.putHeader(name, value.reveal()));
        Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendBuffer(body);
        String path = uri.getRawPath();
        return sent.<HttpAnswer>map(r -> new HttpAnswer(method.name(), url, r.statusCode(), r.headers(),
                        r.body() == null ? Buffer.buffer() : r.body()))
                .recover(t -> Future.failedFuture(transportFailure(method.name() + " " + authority(uri) + path, t)));
    }

    private WebClient client(URI uri, Path caBundle) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String key = scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port + (caBundle == null ? "" : "|" + caBundle);
        return clients.computeIfAbsent(key, k -> newClient(scheme.equals("https"), caBundle));
    }

    private WebClient newClient(boolean tls, Path caBundle) {
        WebClientOptions o = new WebClientOptions();
        o.setUserAgent(options.userAgent());
        o.setFollowRedirects(false); // a redirect must not carry the token to another host
        o.setConnectTimeout((int) options.connectTimeout().toMillis());
        o.setIdleTimeout((int) Math.max(1, options.idleTimeout().toMillis()));
        o.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        o.setKeepAlive(true);
        o.setDecompressionSupported(true);
        if (tls) {
            o.setSsl(true);
            o.setVerifyHost(true);
            if (options.http2()) {
                o.setUseAlpn(true);
                o.setProtocolVersion(HttpVersion.HTTP_2);
            }
            if (caBundle != null) {
                if (!Files.isReadable(caBundle)) {
                    throw new IllegalArgumentException("the CA bundle " + caBundle + " is not a readable file");
                }
                o.setTrustOptions(new PemTrustOptions().addCertPath(caBundle.toString()));
            }
        }
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(options.maxConnectionsPerHost()).setHttp2MaxSize(1)
                .setMaxWaitQueueSize(-1);
        return WebClient.create(vertx, o, pool);
    }

    /** Turns a failure without an answer into a sentence that says what to check. */
    TransportException transportFailure(String what, Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BoundedBodyCodec.TooLarge big) {
                return new TransportException(TransportException.Kind.BODY_TOO_LARGE, what + " answered with a body larger than "
                        + big.maxBytes + " bytes (" + humanBytes(big.maxBytes) + ", the poller.http.maxBodyBytes limit), which the"
                        + " poller does not read — ask for fewer queues per job (batchSize) or raise poller.http.maxBodyBytes", null);
            }
            if (c instanceof UnknownHostException) {
                return new TransportException(TransportException.Kind.DNS, what + ": the host does not resolve (DNS) — check the"
                        + " credential's apiBaseUrl / region", null);
            }
            if (c instanceof SSLException) {
                return new TransportException(TransportException.Kind.TLS, what + ": the TLS handshake failed, TLS verification"
                        + " of the vendor's certificate did not pass (" + c.getClass().getSimpleName() + ": " + shortTlsReason(c)
                        + ") — the poller always verifies TLS, host name included; if this host's certificate comes from a private"
                        + " CA or a TLS-inspecting proxy, set the credential's caBundle (credentials[].caBundle, used by its logins"
                        + " too, or credentials[].poll.caBundle for the polls only) to a PEM file of that CA; else check the URL's scheme and host", null);
            }
            String name = c.getClass().getSimpleName();
            String msg = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
            if (name.equals("ConnectTimeoutException")) {
                return new TransportException(TransportException.Kind.CONNECT_TIMEOUT, what + ": no connection within "
                        + options.connectTimeout().toMillis() + " ms — the host is down or a firewall drops the traffic", null);
            }
            if (c instanceof ConnectException || c instanceof NoRouteToHostException) {
                return new TransportException(TransportException.Kind.CONNECTION_REFUSED, what + ": the connection was refused ("
                        + c.getMessage() + ") — the service or a proxy is down, or the port is wrong", null);
            }
            if (c instanceof java.util.concurrent.TimeoutException || name.contains("Timeout")) {
                return new TransportException(TransportException.Kind.TIMEOUT, what + ": no complete answer within "
                        + options.requestTimeout().toMillis() + " ms — the vendor is slow", null);
            }
            if (msg.contains("connection reset") || msg.contains("reset by peer")) {
                return new TransportException(TransportException.Kind.CONNECTION_RESET, what + ": the connection was reset (TCP RST)"
                        + " before an answer arrived", null);
            }
            if (c instanceof HttpClosedException || msg.contains("connection was closed")) {
                return new TransportException(TransportException.Kind.CONNECTION_CLOSED, what + ": the connection was closed before"
                        + " the answer was complete", null);
            }
        }
        return new TransportException(TransportException.Kind.IO, what + ": " + t.getClass().getSimpleName() + " ("
                + t.getMessage() + ")", null);
    }

    static String humanBytes(int n) {
        if (n % (1 << 20) == 0) {
            return (n >> 20) + "MiB";
        }
        return n % 1024 == 0 ? (n >> 10) + "KiB" : n + " B";
    }

    /** The useful part of a JSSE message ("unable to find valid certification path…", "No subject alternative names…"). */
    private static String shortTlsReason(Throwable c) {
        String m = String.valueOf(c.getMessage());
        int colon = m.lastIndexOf(": ");
        String tail = colon >= 0 && colon + 2 < m.length() ? m.substring(colon + 2) : m;
        return tail.length() > 160 ? tail.substring(0, 160) + "…" : tail;
    }

    static String authority(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
    }

    @Override
    public void close() {
        closed = true;
        clients.values().forEach(WebClient::close);
        clients.clear();
    }
}
