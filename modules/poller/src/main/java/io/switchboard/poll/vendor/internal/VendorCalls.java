package io.switchboard.poll.vendor.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.core.Secret;
import io.switchboard.core.http.VendorHttpError;
import io.switchboard.core.http.VendorResponses;
import io.switchboard.events.poll.PollError;
import io.switchboard.poll.vendor.CredentialHttpSettings;
import io.switchboard.poll.vendor.CredentialRateLimiter;
import io.switchboard.poll.vendor.VendorHttpOptions;
import io.switchboard.token.TokenView;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * One logical vendor call with everything around the HTTP request: the credential's rate limiter, the token's headers,
 * bounded retries with backoff and jitter for 429 (honouring {@code Retry-After}), 5xx, resets and timeouts, the 401
 * flow (one refresh per rejected version, a bounded wait for the newer token, one retry), and the mapping of every
 * other answer to a {@link PollError} that says what to do. A vendor's error is a {@link CallResult.Failed}; the
 * returned future never fails. Thread-safe.
 */
public final class VendorCalls {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern GENESYS_PERMISSIONS = Pattern.compile("permission\\(s\\):\\s*(.+)$");
    private static final Pattern BEARER_SCOPE = Pattern.compile("scope=\"([^\"]*)\"");

    private final Vertx vertx;
    private final VendorHttp http;
    private final Tokens tokens;
    private final VendorHttpOptions options;
    private final Function<String, CredentialHttpSettings> settings;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final RandomGenerator random;
    private final Map<String, CredentialRateLimiter> limiters = new ConcurrentHashMap<>();
    private final java.util.Set<String> drainOnCreate = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> statusCounts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> queueNames = new ConcurrentHashMap<>();
    private final VendorMetrics metrics;

    public VendorCalls(Vertx vertx, VendorHttp http, Tokens tokens, Function<String, CredentialHttpSettings> settings,
                       Clock clock, LongSupplier nanoTime, RandomGenerator random, VendorMetrics metrics) {
        this.metrics = metrics;
        this.vertx = vertx;
        this.http = http;
        this.tokens = tokens;
        this.options = http.options();
        this.settings = settings;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.random = random;
    }

    public Clock clock() {
        return clock;
    }

    public Tokens tokens() {
        return tokens;
    }

    public VendorHttpOptions options() {
        return options;
    }

    /**
     * The credential moved here from another poller: its limiter (now, or when it is created on first use) starts
     * without a burst ({@link CredentialRateLimiter#drain()}).
     */
    public void credentialAcquired(String credentialId) {
        drainOnCreate.add(credentialId);
        CredentialRateLimiter existing = limiters.get(credentialId);
        if (existing != null && drainOnCreate.remove(credentialId)) {
            existing.drain();
        }
    }

    /** The limiter of a credential, created with its budget on first use. */
    public CredentialRateLimiter limiter(String credentialId, String provider) {
        return limiters.computeIfAbsent(credentialId, id -> {
            CredentialHttpSettings s = settings(id);
            int perMinute = s.requestsPerMinute() != null ? s.requestsPerMinute() : options.requestsPerMinute(provider);
            CredentialRateLimiter limiter = CredentialRateLimiter.perMinute(perMinute, nanoTime);
            if (drainOnCreate.remove(id)) {
                limiter.drain();
            }
            metrics.limiterCreated(id, limiter);
            return limiter;
        });
    }

    /** The limiter of a credential if one was created. */
    public CredentialRateLimiter existingLimiter(String credentialId) {
        return limiters.get(credentialId);
    }

    /** Answers seen by HTTP status class ({@code 401}, {@code 403}, {@code 429}, {@code 5xx}, {@code reset}...). */
    public Map<String, Integer> statusCounts() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        statusCounts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /**
     * Remembers the queue names of a credential's latest complete queue listing (discovery, or an observation job that
     * polls every queue), replacing the previous listing, so that records of jobs that name queues by id carry names too.
     */
    public void rememberQueueNames(String credentialId, List<io.switchboard.poll.QueueDiscovery.DiscoveredQueue> queues) {
        Map<String, String> names = new java.util.HashMap<>();
        for (io.switchboard.poll.QueueDiscovery.DiscoveredQueue q : queues) {
            if (q.name() != null) {
                names.put(q.id(), q.name());
            }
        }
        queueNames.put(credentialId, Map.copyOf(names));
    }

    /** The name of a queue from the credential's latest listing, or {@code null} when no listing named it. */
    public String queueName(String credentialId, String queueId) {
        Map<String, String> names = queueNames.get(credentialId);
        return names == null || queueId == null ? null : names.get(queueId);
    }

    private CredentialHttpSettings settings(String credentialId) {
        CredentialHttpSettings s = settings.apply(credentialId);
        return s == null ? CredentialHttpSettings.DEFAULTS : s;
    }

    /**
     * Who calls: the credential, the job (or {@code null} for discovery) and the counter of requests sent for one poll.
     */
    public record Caller(String credentialId, String jobId, AtomicInteger requests) {
        public static Caller of(String credentialId, String jobId) {
            return new Caller(credentialId, jobId, new AtomicInteger());
        }
    }

    /** Sends {@code spec} for {@code caller}; never fails. */
    public Future<CallResult> call(Caller caller, CallSpec spec) {
        return attempt(caller, spec, 1, false, null);
    }

    private Future<CallResult> attempt(Caller caller, CallSpec spec, int attempt, boolean refreshed, Long rejectedVersion) {
        TokenView token = tokens.current(caller.credentialId()).orElse(null);
        if (token == null) {
            return Future.succeededFuture(fail(caller, null, spec, PollErrors.AUTHENTICATION, true, null,
                    "no token for credential '" + caller.credentialId() + "' on the token topic yet — a token manager"
                            + " must own the credential and log in first (see switchboard.token-status); the poller retries"
                            + " at the next slot", attempt, null, null));
        }
        if (token.isExpired(clock.instant()) && !refreshed) {
            return refreshAndRetry(caller, spec, attempt, token, "token version " + token.version() + " expired at "
                    + token.expiresAt() + " before use", null);
        }
        CredentialRateLimiter limiter = limiter(caller.credentialId(), token.provider());
        Duration wait = limiter.reserve();
        if (!wait.isZero()) {
            metrics.limiterWait(caller.credentialId(), wait);
        }
        Path ca = settings(caller.credentialId()).caBundle();
        long[] sentAt = {-1};
        return delay(wait).compose(v -> {
            caller.requests().incrementAndGet();
            metrics.tokenAge(caller.credentialId(), Duration.between(token.issuedAt(), clock.instant()));
            sentAt[0] = nanoTime.getAsLong();
            return http.send(spec.method(), spec.url(), spec.headers(), token.headers(), spec.body(), ca);
        }).transform(ar -> {
            long took = sentAt[0] < 0 ? -1 : nanoTime.getAsLong() - sentAt[0];
            if (ar.failed()) {
                String kind = ar.cause() instanceof TransportException te ? te.kind().name().toLowerCase(java.util.Locale.ROOT) : "io";
                metrics.request(caller.credentialId(), token.provider(), kind, took);
                return onTransportFailure(caller, spec, attempt, refreshed, token, ar.cause());
            }
            int status = ar.result().status();
            metrics.request(caller.credentialId(), token.provider(), status / 100 == 2 ? "2xx" : status == 401 || status == 403
                    || status == 429 ? Integer.toString(status) : status >= 500 ? "5xx" : "4xx", took);
            return onAnswer(caller, spec, attempt, refreshed, rejectedVersion, token, limiter, ar.result());
        });
    }

    private Future<CallResult> onTransportFailure(Caller caller, CallSpec spec, int attempt, boolean refreshed, TokenView token,
                                                  Throwable cause) {
        TransportException t = cause instanceof TransportException te ? te
                : new TransportException(TransportException.Kind.IO, spec.label() + ": " + cause, cause);
        count(t.kind().name().toLowerCase(java.util.Locale.ROOT));
        if (t.isRetriable() && attempt < options.maxAttempts()) {
            return delay(options.backoff().delay(attempt, random)).compose(v -> attempt(caller, spec, attempt + 1, refreshed, null));
        }
        String kind = t.kind() == TransportException.Kind.BODY_TOO_LARGE ? PollErrors.MAPPING : PollErrors.TRANSPORT;
        String tries = attempt > 1 ? " (" + attempt + " attempts)" : "";
        return Future.succeededFuture(fail(caller, token, spec, kind, t.isRetriable(), null,
                t.getMessage() + tries + (t.isRetriable() ? "; the poller retries at the next slot" : ""), attempt, null, null));
    }

    private Future<CallResult> onAnswer(Caller caller, CallSpec spec, int attempt, boolean refreshed, Long rejectedVersion,
                                        TokenView token, CredentialRateLimiter limiter, HttpAnswer answer) {
        int status = answer.status();
        Instant now = clock.instant();
        adaptLimiter(limiter, answer, now);
        if (answer.ok()) {
            return Future.succeededFuture(parse(caller, spec, token, answer, attempt));
        }
        count(status >= 500 ? "5xx" : Integer.toString(status));
        String provider = token.provider();
        JsonNode json = tryJson(answer);
        VendorHttpError error = VendorResponses.error(Vendors.displayName(provider), spec.label(), status, answer::header,
                answer.bodyText(), json, secretsOf(token), now);
        if (status == 401 || isCognosXsrfRejection(provider, status, error)) {
            if (!refreshed) {
                return refreshAndRetry(caller, spec, attempt, token, status + " " + (error.vendorCode() == null ? "" : error.vendorCode())
                        + " from " + spec.label(), status);
            }
            return Future.succeededFuture(fail(caller, token, spec, PollErrors.AUTHENTICATION, true, error,
                    error.headline() + " to " + spec.label() + " again with the refreshed token (version " + token.version()
                            + (rejectedVersion != null ? ", after version " + rejectedVersion + " was rejected" : "")
                            + "): the vendor does not accept the credential's new token either — check the credential"
                            + " with `switchboard doctor --credential " + caller.credentialId() + "`; the poller retries at the next slot",
                    attempt, token.version(), null));
        }
        if (status == 403) {
            return Future.succeededFuture(fail(caller, token, spec, PollErrors.PERMISSION, false, error,
                    permissionSentence(caller, spec, provider, error, json, answer), attempt, token.version(), null));
        }
        if (status == 429) {
            Duration retryAfter = error.retryAfter();
            boolean waitable = retryAfter == null || retryAfter.compareTo(options.maxRetryAfter()) <= 0;
            if (retryAfter != null) {
                limiter.pauseFor(retryAfter);
            }
            if (attempt < options.maxAttempts() && waitable) {
                Duration backoff = options.backoff().delay(attempt, random);
                Duration pause = retryAfter == null || retryAfter.compareTo(backoff) < 0 ? backoff : retryAfter;
                return delay(pause).compose(v -> attempt(caller, spec, attempt + 1, refreshed, rejectedVersion));
            }
            return Future.succeededFuture(fail(caller, token, spec, PollErrors.RATE_LIMITED, true, error,
                    error.headline() + " to " + spec.label() + (attempt > 1 ? " on all " + attempt + " attempts" : "")
                            + (retryAfter != null ? "; it asked to wait " + retryAfter.toSeconds() + " s" : "")
                            + " — the credential's budget of " + limiter.limitPerMinute() + " requests/min is shared with other"
                            + " clients of the same vendor account, or the vendor's limit is lower: poll less often or lower"
                            + " the credential's requestsPerMinute; the poller holds its requests until then",
                    attempt, null, retryAfter));
        }
        if (error.retriable() && attempt < options.maxAttempts()) {
            Duration backoff = options.backoff().delay(attempt, random);
            Duration pause = error.retryAfter() != null && error.retryAfter().compareTo(backoff) > 0
                    && error.retryAfter().compareTo(options.maxRetryAfter()) <= 0 ? error.retryAfter() : backoff;
            return delay(pause).compose(v -> attempt(caller, spec, attempt + 1, refreshed, rejectedVersion));
        }
        String advice = error.retriable()
                ? (attempt > 1 ? " on all " + attempt + " attempts" : "") + "; the poller retries at the next slot"
                : " — the vendor does not accept the request this job describes: check the job's endpoint, queues, metrics"
                        + " and parameters" + (error.bodyExcerpt().isEmpty() ? "" : "; answer: " + error.bodyExcerpt());
        return Future.succeededFuture(fail(caller, token, spec, PollErrors.VENDOR_ERROR, error.retriable(), error,
                error.headline() + " to " + spec.label() + advice, attempt, null, error.retryAfter()));
    }

    private Future<CallResult> refreshAndRetry(Caller caller, CallSpec spec, int attempt, TokenView token, String reason,
                                               Integer status) {
        long rejected = token.version();
        // Back onto a Vert.x context: the new token may arrive on the token table's consumer thread.
        return Future.fromCompletionStage(tokens.newerThan(caller.credentialId(), rejected, reason, status),
                vertx.getOrCreateContext()).transform(ar -> {
            if (ar.succeeded()) {
                return attempt(caller, spec, attempt + 1, true, rejected);
            }
            Throwable e = ar.cause() instanceof java.util.concurrent.CompletionException && ar.cause().getCause() != null
                    ? ar.cause().getCause() : ar.cause();
            return Future.succeededFuture(fail(caller, token, spec, PollErrors.AUTHENTICATION, true, null,
                    Vendors.displayName(token.provider()) + " rejected token version " + rejected + " of credential '"
                            + caller.credentialId() + "' (" + reason + ") and no newer token could be had: " + e.getMessage(),
                    attempt, rejected, null));
        });
    }

    /** Cognos answers a stale session's XSRF token with 403 xsrfTokenInvalid: a new session (token) is the cure. */
    private static boolean isCognosXsrfRejection(String provider, int status, VendorHttpError error) {
        return Vendors.COGNOS.equals(provider) && status == 403 && error.vendorCode() != null
                && error.vendorCode().toLowerCase(java.util.Locale.ROOT).contains("xsrf");
    }

    private String permissionSentence(Caller caller, CallSpec spec, String provider, VendorHttpError error, JsonNode json,
                                      HttpAnswer answer) {
        String missing = null;
        String where;
        if (Vendors.GENESYS.equals(provider)) {
            JsonNode params = json == null ? null : json.path("messageParams");
            if (params != null && params.hasNonNull("permissions")) {
                missing = params.get("permissions").asText();
            } else if (error.message() != null) {
                Matcher m = GENESYS_PERMISSIONS.matcher(error.message());
                if (m.find()) {
                    missing = m.group(1).trim();
                }
            }
            where = "assign a role with it to the OAuth client of credential '" + caller.credentialId()
                    + "' (Genesys Admin > Integrations > OAuth > Roles, in the division of the queues)";
        } else {
            String challenge = answer.header("WWW-Authenticate");
            if (challenge != null) {
                Matcher m = BEARER_SCOPE.matcher(challenge);
                if (m.find()) {
                    missing = m.group(1);
                }
            }
            if (missing == null && error.message() != null && error.message().startsWith("Insufficient scope, expected: ")) {
                missing = error.message().substring("Insufficient scope, expected: ".length()).trim();
            }
            where = "grant it to the client of credential '" + caller.credentialId() + "' at the vendor"
                    + (missing != null ? " and list it in the credential's scopes" : "");
        }
        if (missing == null) {
            missing = spec.permissionHint();
        }
        return error.headline() + " to " + spec.label() + ": "
                + (missing != null ? "the credential lacks " + missing + " — " + where
                        : "the credential is not allowed to call it — " + where)
                + "; the next poll succeeds once it is granted";
    }

    private CallResult parse(Caller caller, CallSpec spec, TokenView token, HttpAnswer answer, int attempt) {
        try {
            JsonNode json;
            if (spec.rawJson()) {
                json = blank(answer.body()) ? null : com.fasterxml.jackson.databind.node.NullNode.getInstance();
            } else {
                json = answer.body().length() == 0 ? null : JSON.readTree(answer.body().getBytes());
            }
            if (json == null || json.isMissingNode()) {
                return fail(caller, token, spec, PollErrors.MAPPING, true, null, Vendors.displayName(token.provider())
                        + " answered " + answer.status() + " to " + spec.label() + " with an empty body where JSON was expected;"
                        + " the poller retries at the next slot", attempt, null, null);
            }
            return new CallResult.Ok(spec.rawJson() ? null : json, answer, token, attempt);
        } catch (java.io.IOException e) {
            return malformed(caller, spec, token, answer, attempt, e);
        }
    }

    /**
     * The MAPPING error for a 2xx body of a {@link CallSpec#rawJson} call that its caller's streaming parser found not
     * to be JSON: the same error a tree parse gives.
     */
    public CallResult.Failed malformed(Caller caller, CallSpec spec, CallResult.Ok ok, java.io.IOException e) {
        return malformed(caller, spec, ok.token(), ok.answer(), ok.attempt(), e);
    }

    private CallResult.Failed malformed(Caller caller, CallSpec spec, TokenView token, HttpAnswer answer, int attempt,
                                        java.io.IOException e) {
        count("malformed");
        String why = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        String type = answer.header("Content-Type");
        String mediaType = type == null ? null : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        String what = mediaType != null && !mediaType.isEmpty() && !mediaType.contains("json")
                ? "a " + mediaType + " body where JSON was expected (" + answer.body().length() + " bytes) — a proxy, a"
                        + " sign-in page or a wrong apiBaseUrl answered instead of the vendor's API"
                : "a body that is not complete JSON (" + VendorResponses.excerpt(why, secretsOf(token)) + ", "
                        + answer.body().length() + " bytes)";
        return fail(caller, token, spec, PollErrors.MAPPING, true, null, Vendors.displayName(token.provider())
                + " answered " + answer.status() + " to " + spec.label() + " with " + what + "; excerpt: "
                + VendorResponses.excerpt(answer.bodyText(), secretsOf(token)) + " — nothing of this answer was used;"
                + " the poller retries at the next slot", attempt, null, null);
    }

    /** Whether a body holds nothing but JSON whitespace (and a UTF-8 byte order mark), as a tree parse reads it. */
    static boolean blank(io.vertx.core.buffer.Buffer body) {
        int n = body.length();
        int i = n >= 3 && body.getByte(0) == (byte) 0xEF && body.getByte(1) == (byte) 0xBB && body.getByte(2) == (byte) 0xBF ? 3 : 0;
        for (; i < n; i++) {
            byte b = body.getByte(i);
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** A streaming parser over a body, reading its backing array in place when it has one (no copy). */
    static com.fasterxml.jackson.core.JsonParser parser(io.vertx.core.buffer.Buffer body) throws java.io.IOException {
        if (body instanceof io.vertx.core.internal.buffer.BufferInternal bi) {
            io.netty.buffer.ByteBuf buf = bi.getByteBuf();
            if (buf.hasArray()) {
                return JSON.getFactory().createParser(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
            }
            // the body's chunks (BoundedBodyCodec): read through the parser's own buffer, no copy of the whole body
            return JSON.getFactory().createParser((java.io.InputStream) new io.netty.buffer.ByteBufInputStream(buf.duplicate()));
        }
        return JSON.getFactory().createParser(body.getBytes());
    }

    /** The answer as JSON, or {@code null} when it is not JSON. */
    static JsonNode tryJson(HttpAnswer answer) {
        if (answer.body().length() == 0) {
            return null;
        }
        try {
            return JSON.readTree(answer.body().getBytes());
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private void adaptLimiter(CredentialRateLimiter limiter, HttpAnswer answer, Instant now) {
        String remaining = answer.header("x-ratelimit-remaining");
        if (remaining != null) {
            try {
                long left = Long.parseLong(remaining.trim());
                Duration untilReset = null;
                String reset = answer.header("x-ratelimit-reset");
                if (reset != null) {
                    untilReset = VendorResponses.retryAfter(name -> name.equals("x-ratelimit-reset") ? reset
                            : name.equals("Date") ? answer.header("Date") : null, now);
                }
                limiter.observeRemaining(left, untilReset);
            } catch (NumberFormatException ignored) {
                // a header we do not understand asks for nothing
            }
        }
    }

    /** Token material that must never be quoted back: each header value and the credential after its scheme. */
    static List<Secret> secretsOf(TokenView token) {
        if (token == null) {
            return List.of();
        }
        List<Secret> out = new ArrayList<>();
        for (Secret s : token.headers().values()) {
            out.add(s);
            String v = s.reveal();
            int sp = v.indexOf(' ');
            if (sp > 0 && sp < v.length() - 1) {
                out.add(Secret.of(v.substring(sp + 1)));
            }
        }
        return out;
    }

    private CallResult.Failed fail(Caller caller, TokenView token, CallSpec spec, String kind, boolean retriable,
                                   VendorHttpError error, String message, int attempt, Long tokenVersion, Duration retryAfter) {
        PollErrors.Origin origin = new PollErrors.Origin(caller.credentialId(), caller.jobId(),
                token == null ? null : token.provider(), spec.label());
        PollError.Builder b = PollErrors.of(origin, clock.instant(), kind, retriable, message).setAttempt(attempt)
                .setTokenVersion(tokenVersion).setRetryAfterMs(PollErrors.millis(retryAfter));
        if (error != null) {
            b.setHttpStatus(error.status()).setVendorCode(error.vendorCode()).setCorrelationId(error.correlationId());
        }
        return new CallResult.Failed(b.build());
    }

    private void count(String what) {
        statusCounts.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Completes after {@code d} (at once when zero), on a Vert.x timer. */
    Future<Void> delay(Duration d) {
        if (d.isZero() || d.isNegative()) {
            return Future.succeededFuture();
        }
        Promise<Void> p = Promise.promise();
        vertx.setTimer(Math.max(1, d.toMillis()), id -> p.complete());
        return p.future();
    }
}
