package io.switchboard.registry.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.core.Secret;
import io.switchboard.registry.IncompatibleSchemaException;
import io.switchboard.registry.InvalidSchemaException;
import io.switchboard.registry.SchemaNotFoundException;
import io.switchboard.registry.SchemaRegistryAuthenticationException;
import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.registry.SchemaRegistryException;
import io.switchboard.registry.SchemaRegistryUnavailableException;
import io.switchboard.registry.SubjectNotFoundException;
import io.switchboard.registry.VersionNotFoundException;

/**
 * Sends one REST call to the registry with the Confluent content types, auth, timeouts and retries,
 * and maps error answers to typed exceptions. Thread-safe.
 */
public final class RestTransport implements AutoCloseable {

    /** Content type of request bodies, as Confluent's client sends it. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistryConfig config;
    private final HttpClient http;
    private final AtomicInteger preferredUrl = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();

    public RestTransport(SchemaRegistryConfig config) {
        this.config = config;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (config.tls() != null) {
            builder.sslContext(sslContext(config.tls()));
        }
        this.http = builder.build();
    }

    /** The shared JSON mapper. */
    public static ObjectMapper json() {
        return JSON;
    }

    /** HTTP requests sent so far (each retry counts). */
    public long requestsSent() {
        return requests.get();
    }

    /**
     * Sends a request and returns the parsed JSON answer of a 2xx.
     *
     * @param method  GET, POST, PUT, DELETE
     * @param path    path and query below the base URL, already encoded, starting with '/'
     * @param body    JSON body or null
     * @param context what the caller was doing, for messages, e.g. "registering a schema under subject 'x'"
     */
    public JsonNode send(String method, String path, Object body, String context) {
        String payload;
        try {
            payload = body == null ? null : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode request body", e);
        }
        int urls = config.urls().size();
        int retriesLeft = config.maxRetries();
        // After a connection failure the next URL is tried at once; the backoff comes only when every
        // URL has failed in this round, or when a registry answered with a retriable error (5xx, 429).
        int untriedUrls = urls - 1;
        int sent = 0;
        SchemaRegistryException last;
        while (true) {
            int urlIndex = Math.floorMod(preferredUrl.get(), urls);
            URI base = config.urls().get(urlIndex);
            URI uri = URI.create(base.toString() + path);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(config.requestTimeout())
                    .header("Accept", ACCEPT);
            authorization().ifPresent(value -> request.header("Authorization", value));
            if (payload != null) {
                request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(payload));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = null;
            boolean unreachable = false;
            sent++;
            try {
                requests.incrementAndGet();
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                last = null;
            } catch (HttpTimeoutException e) {
                preferredUrl.incrementAndGet();
                unreachable = true;
                last = new SchemaRegistryUnavailableException(-1, -1, "Schema registry at " + base + " did not answer within "
                        + (e.getMessage() != null && e.getMessage().contains("connect") ? config.connectTimeout() : config.requestTimeout())
                        + " while " + context + "; check that it runs and is reachable, or raise "
                        + SchemaRegistryConfig.HTTP_CONNECT_TIMEOUT_MS + " / " + SchemaRegistryConfig.HTTP_READ_TIMEOUT_MS + ".", e);
            } catch (IOException e) {
                preferredUrl.incrementAndGet();
                unreachable = true;
                last = new SchemaRegistryUnavailableException(-1, -1, "Cannot reach the schema registry at " + base + " while " + context
                        + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                        + "); check " + SchemaRegistryConfig.URL + ", that the registry runs, and the TLS settings for https ("
                        + SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION + " to trust the registry's certificate, "
                        + SchemaRegistryConfig.SSL_KEYSTORE_LOCATION + " when it requires a client certificate).", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryUnavailableException(-1, -1, "Interrupted while " + context, e);
            }
            if (response != null) {
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    try {
                        String text = response.body();
                        return text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
                    } catch (IOException e) {
                        throw new SchemaRegistryException(status, -1, "Schema registry at " + base + " answered " + status + " with a body that is not JSON while "
                                + context + "; is " + SchemaRegistryConfig.URL + " really a schema registry?", e);
                    }
                }
                SchemaRegistryException error = toException(base, status, response.body(), context);
                if (status < 500 && status != 429) {
                    throw error;
                }
                last = new SchemaRegistryUnavailableException(status, error.errorCode(), error.getMessage(), null);
            }
            if (unreachable && untriedUrls > 0) {
                untriedUrls--;
                continue;
            }
            if (retriesLeft == 0) {
                break;
            }
            retriesLeft--;
            backoff(config.maxRetries() - retriesLeft);
            untriedUrls = urls - 1;
        }
        throw new SchemaRegistryUnavailableException(last.status(), last.errorCode(),
                last.getMessage() + " (gave up after " + sent + (sent == 1 ? " attempt" : " attempts")
                        + (urls > 1 ? " over " + urls + " URLs" : "") + ")", last.getCause());
    }

    private java.util.Optional<String> authorization() {
        Secret basic = config.basicAuthUserInfo();
        if (basic != null) {
            return java.util.Optional.of("Basic " + Base64.getEncoder().encodeToString(basic.reveal().getBytes(StandardCharsets.UTF_8)));
        }
        Secret bearer = config.bearerToken();
        if (bearer != null) {
            return java.util.Optional.of("Bearer " + bearer.reveal());
        }
        return java.util.Optional.empty();
    }

    private void backoff(int attempt) {
        long base = config.retryBackoff().toMillis();
        long cap = config.retryMaxBackoff().toMillis();
        long wait = Math.min(cap, base << Math.min(attempt - 1, 20));
        // up to 20% jitter so a fleet of clients does not retry in lock step
        wait = wait + (wait > 0 ? ThreadLocalRandom.current().nextLong(wait / 5 + 1) : 0);
        try {
            Thread.sleep(Math.min(wait, cap));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryUnavailableException(-1, -1, "Interrupted while waiting to retry the schema registry", e);
        }
    }

    /** Maps an error answer to a typed exception with an actionable message. */
    static SchemaRegistryException toException(URI base, int status, String body, String context) {
        int code = -1;
        String registryMessage = null;
        try {
            JsonNode node = body == null || body.isBlank() ? null : JSON.readTree(body);
            if (node != null && node.isObject()) {
                code = node.path("error_code").asInt(-1);
                registryMessage = node.path("message").isTextual() ? node.path("message").asText() : null;
            }
        } catch (IOException ignored) {
            // not JSON: keep the status only
        }
        String says = registryMessage == null ? "" : " (registry says: " + registryMessage + ")";
        String head = "Schema registry at " + base + " answered " + status + (code > 0 ? " error_code " + code : "") + " while " + context + says;
        switch (status) {
            case 401:
                return new SchemaRegistryAuthenticationException(status, code, head + ". The credentials are missing or wrong: set "
                        + SchemaRegistryConfig.BASIC_AUTH_USER_INFO + "=user:password (" + SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE
                        + "=USER_INFO) or " + SchemaRegistryConfig.BEARER_AUTH_TOKEN + ".");
            case 403:
                return new SchemaRegistryAuthenticationException(status, code, head
                        + ". The principal is known but may not do this; grant it access to the subject in the registry.");
            case 404:
                if (code == SubjectNotFoundException.ERROR_CODE) {
                    return new SubjectNotFoundException(status, code, head + ". Register a schema under the subject first (auto.register.schemas=true,"
                            + " or POST /subjects/{subject}/versions), or check the subject name strategy and the topic name.");
                }
                if (code == VersionNotFoundException.ERROR_CODE) {
                    return new VersionNotFoundException(status, code, head + ". List the subject's versions (GET /subjects/{subject}/versions)"
                            + " and ask for one of them, or for 'latest'.");
                }
                if (code == SchemaNotFoundException.ERROR_CODE) {
                    return new SchemaNotFoundException(status, code, head + ". The schema is not registered there: the data was written against"
                            + " another registry (point " + SchemaRegistryConfig.URL + " at the producer's registry), or the schema must be"
                            + " registered first (auto.register.schemas=true).");
                }
                return new SchemaRegistryException(status, code, head + ". The path does not exist: " + SchemaRegistryConfig.URL
                        + " must be the registry's base URL (e.g. http://host:8081, or .../apis/ccompat/v7 for Apicurio).");
            case 409:
                return new IncompatibleSchemaException(status, code, head + ". Make the change compatible (new fields need a default;"
                        + " do not remove fields without defaults or change types), or change the subject's compatibility level on purpose.");
            case 422:
                return new InvalidSchemaException(status, code, head + ". Fix the schema or the parameter the registry names"
                        + " (42201 invalid schema, 42202 invalid version, 42203 invalid compatibility level).");
            default:
                return new SchemaRegistryException(status, code, head + (status >= 500
                        ? ". The registry failed internally (50001 store error, 50002 timeout, 50003 forwarding error); retry later."
                        : "."));
        }
    }

    private static SSLContext sslContext(SchemaRegistryConfig.Tls tls) {
        try {
            TrustManagerFactory tmf = null;
            if (tls.truststore() != null) {
                KeyStore trust = load(tls.truststore(), tls.truststoreType(), tls.truststorePassword());
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (tls.keystore() != null) {
                KeyStore keys = load(tls.keystore(), tls.keystoreType(), tls.keystorePassword());
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                Secret keyPassword = tls.keyPassword() != null ? tls.keyPassword() : tls.keystorePassword();
                kmf.init(keys, keyPassword == null ? new char[0] : keyPassword.reveal().toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new io.switchboard.core.ConfigException("schema registry TLS settings", java.util.List.of(new io.switchboard.core.ConfigProblem(
                    "schema.registry.ssl.*", null, "cannot load the truststore/keystore (" + e.getClass().getSimpleName()
                    + "); check the path, the type (PKCS12 or JKS) and the password")));
        }
    }

    private static KeyStore load(java.nio.file.Path path, String type, Secret password) throws Exception {
        KeyStore store = KeyStore.getInstance(type == null ? "PKCS12" : type);
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password == null ? null : password.reveal().toCharArray());
        }
        return store;
    }

    @Override
    public void close() {
        // java.net.http.HttpClient gained close() only in Java 21; on 17 its threads end when it is unreachable.
    }
}
