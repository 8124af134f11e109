package io.switchboard.token.doctor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.core.Secret;
import io.switchboard.token.login.CredentialSpec;
import io.switchboard.token.login.CredentialSpec.BasicEncoding;
import io.switchboard.token.login.CredentialSpec.ClientAuth;
import io.switchboard.token.login.CredentialsConfig;
import io.switchboard.token.login.LoginClient;
import io.switchboard.token.login.LoginException;
import io.switchboard.token.login.LoginException.Kind;
import io.switchboard.token.login.LoginResult;
import io.switchboard.token.login.internal.LoginHttp;

/**
 * The diagnosis engine behind {@code switchboard doctor}: logs in with a credential as configured
 * and, when that fails, tries the documented variants (other client authentication, Basic encoding,
 * trimmed secret, without the refused scopes) to say in plain words what is wrong and what to change.
 * For a working login it reports the token's lifetime, granted scopes and, for a JWT, its audience
 * and expiry; in both cases it compares the vendor's clock with the local one.
 *
 * <p>{@link #check} blocks (it is a command-line tool): never call it on a Vert.x event loop.
 * Thread-safe; each check makes at most a handful of login requests. Reports never contain secrets.
 */
public final class Doctor {

    /** Clock difference from which the doctor warns about skew. */
    public static final Duration SKEW_THRESHOLD = Duration.ofSeconds(30);
    /** The longest one of the doctor's own secret-free probes (metadata, redirect targets) may take. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Advice in the login's messages that is meant for the token manager's log: "run switchboard doctor"
     * (this is the doctor) and "set tokenUrl to the final URL" (the doctor looks at the final URL itself).
     */
    private static final Pattern ADVICE_FOR_THE_LOG = Pattern.compile(
            "(?:,? or run | — run |; )`switchboard doctor[^`]*`(?:[^;()]*[^;()\\s])?|"
                    + " — set tokenUrl to the final URL");

    private final LoginClient client;
    private final Clock clock;
    private final Duration attemptTimeout;
    private final EndpointProbe probe;

    /**
     * @param client         login client used for every attempt
     * @param clock          local clock compared with the vendor's {@code Date}
     * @param attemptTimeout the longest one attempt may take (request timeout plus discovery)
     */
    public Doctor(LoginClient client, Clock clock, Duration attemptTimeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.attemptTimeout = Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        this.probe = new EndpointProbe(attemptTimeout.compareTo(PROBE_TIMEOUT) < 0 ? attemptTimeout : PROBE_TIMEOUT);
    }

    /** A doctor with the system clock and a 60 s attempt timeout. */
    public Doctor(LoginClient client) {
        this(client, Clock.systemUTC(), Duration.ofSeconds(60));
    }

    /** Checks one credential. Blocks until done. */
    public CredentialReport check(CredentialSpec spec) {
        Attempt first = attempt(spec);
        if (first.ok()) {
            return success(spec, first, List.of());
        }
        List<Diagnosis> out = new ArrayList<>();
        LoginException e = first.error;
        skew(e.vendorDate(), first.at).ifPresent(out::add);
        return withoutAdviceForTheLog(diagnoseFailure(spec, first, out));
    }

    /** The report with every sentence cleaned of advice meant for the token manager's log (see {@link #ADVICE_FOR_THE_LOG}). */
    private static CredentialReport withoutAdviceForTheLog(CredentialReport r) {
        List<Diagnosis> cleaned = r.diagnoses().stream().map(d -> new Diagnosis(d.code(), d.severity(),
                ownSentence(d.sentence()), d.change())).toList();
        return new CredentialReport(r.credentialId(), r.provider(), r.ok(), cleaned, r.lifetime(), r.grantedScopes(),
                r.audience(), r.expiresAt(), r.apiBaseUrl(), r.tenantId());
    }

    /** A login message as the doctor shows it: without advice to run the doctor or to follow a redirect blindly. */
    static String ownSentence(String message) {
        return ADVICE_FOR_THE_LOG.matcher(message).replaceAll("");
    }

    // ------------------------------------------------------------------ success

    private CredentialReport success(CredentialSpec spec, Attempt a, List<Diagnosis> before) {
        LoginResult r = a.result;
        List<Diagnosis> out = new ArrayList<>(before);
        String aud = r.metadata().get("jwt.aud");
        Instant exp = r.metadata().containsKey("jwt.exp") ? Instant.parse(r.metadata().get("jwt.exp")) : null;
        StringBuilder s = new StringBuilder(vendor(spec) + " login works for credential '" + spec.id() + "'");
        if (r.lifetime() != null) {
            s.append("; the token lives ").append(human(r.lifetime()));
        }
        if (!r.grantedScopes().isEmpty()) {
            s.append("; granted scopes: ").append(String.join(" ", r.grantedScopes()));
        }
        if (aud != null) {
            s.append("; JWT audience ").append(aud);
        }
        if (exp != null) {
            s.append("; JWT expires ").append(exp);
        }
        if (r.apiBaseUrl() != null) {
            s.append("; API at ").append(r.apiBaseUrl());
        }
        if (r.tenantId() != null) {
            s.append("; tenant ").append(r.tenantId());
        }
        out.add(0, Diagnosis.info("login-ok", s.toString()));
        if (r.lifetime() == null) {
            out.add(Diagnosis.warning("lifetime-unknown", vendor(spec) + " did not say how long the token lives (no expires_in);"
                    + " Switchboard assumes defaultLifetime " + human(spec.defaultLifetime()),
                    "set defaultLifetime to the lifetime configured at the vendor, e.g. defaultLifetime: PT1H"));
        }
        if (!spec.scopes().isEmpty() && !r.grantedScopes().isEmpty()) {
            Set<String> missing = new LinkedHashSet<>(spec.scopes());
            r.grantedScopes().forEach(missing::remove);
            if (!missing.isEmpty()) {
                out.add(Diagnosis.warning("scopes-narrowed", "the server granted fewer scopes than requested: "
                        + String.join(" ", missing) + " missing", "grant those scopes to the client, or remove them from scopes"));
            }
        }
        String vd = r.metadata().get("vendor_date");
        skew(vd == null ? null : Instant.parse(vd), a.at).ifPresent(out::add);
        return new CredentialReport(spec.id(), spec.provider(), true, out, r.lifetime(), r.grantedScopes(), aud, exp,
                r.apiBaseUrl(), r.tenantId());
    }

    // ------------------------------------------------------------------ failure

    private CredentialReport diagnoseFailure(CredentialSpec spec, Attempt first, List<Diagnosis> out) {
        LoginException e = first.error;
        String code = e.vendorCode() == null ? "" : e.vendorCode();
        String desc = e.vendorDescription() == null ? "" : e.vendorDescription().toLowerCase(Locale.ROOT);
        Integer status = e.httpStatus();

        if (status == null) {
            out.add(0, transport(spec, e));
            return failed(spec, out);
        }
        if (e.kind() == Kind.RATE_LIMITED) {
            out.add(0, Diagnosis.error("rate-limited", e.getMessage(), "wait " + (e.retryAfter() == null ? "a minute"
                    : human(e.retryAfter())) + " and stop other processes that log in with this client"));
            return failed(spec, out);
        }
        if (status >= 500) {
            out.add(0, Diagnosis.error("vendor-error", e.getMessage(), "nothing to change; try again later"));
            return failed(spec, out);
        }
        if (spec.tokenUrl() == null && spec.issuer() != null) {
            Optional<Diagnosis> discovery = issuerMetadata(spec);
            if (discovery.isPresent()) {
                out.add(0, discovery.get());
                return failed(spec, out);
            }
        }
        if (status >= 300 && status < 400) {
            out.add(0, redirect(spec, status));
            return failed(spec, out);
        }
        if (status == 404 || status == 405 || status == 410) {
            out.add(0, Diagnosis.error("endpoint-not-found", e.getMessage(), endpointChange(spec)));
            return failed(spec, out);
        }
        if (spec.isSession()) {
            return cognos(spec, e, out);
        }
        if (code.equals("unauthorized_client") || desc.contains("not authorized to access resource server")) {
            out.add(0, Diagnosis.error("grant-not-allowed", e.getMessage(), grantChange(spec)));
            return failed(spec, out);
        }
        if (code.equals("invalid_scope")) {
            return scopes(spec, e, out);
        }
        if (desc.contains("service not enabled") || (desc.contains("audience") && spec.audience() != null)) {
            out.add(0, Diagnosis.error("wrong-audience", e.getMessage(), "audience: <the API identifier, e.g. https://beeapp.open-cosmos.com>"));
            return failed(spec, out);
        }
        if (spec.audience() == null && (desc.contains("audience") || desc.contains("non-global clients"))) {
            out.add(0, Diagnosis.error("missing-audience", vendor(spec) + " answered " + status + " " + code
                    + (e.vendorDescription() != null ? " (" + e.vendorDescription() + ")" : "")
                    + ": the request carries no audience, and this server needs one to know which API the token is for",
                    "audience: <the API identifier, e.g. https://beeapp.open-cosmos.com>"));
            return failed(spec, out);
        }
        if ((code.equals("invalid_request") || code.equals("invalid_target")) && (desc.contains("namespace") || desc.contains("resource"))) {
            String param = desc.contains("namespace") ? "namespace" : "resource";
            out.add(0, Diagnosis.error("missing-parameter", e.getMessage(), "extraParams: {" + param + ": <value the server expects>}"));
            return failed(spec, out);
        }
        if (code.equals("invalid_client") || code.equals("access_denied") || code.equals("invalid_grant")
                || status == 401 || status == 400 || status == 403) {
            return clientAuthentication(spec, e, out);
        }
        out.add(0, Diagnosis.error("login-failed", e.getMessage(), null));
        return failed(spec, out);
    }

    /** Tries a trimmed secret and the other client authentications / Basic encodings. */
    private CredentialReport clientAuthentication(CredentialSpec spec, LoginException e, List<Diagnosis> out) {
        boolean cxoneKey = spec.provider().equals(CredentialSpec.NICE_CXONE) && "invalid_grant".equals(e.vendorCode());
        Secret secret = cxoneKey ? spec.password() : spec.clientSecret();
        String secretKey = cxoneKey ? "accessKeySecret" : "clientSecret";
        boolean padded = secret != null && !secret.reveal().equals(secret.reveal().strip());
        CredentialSpec base = spec;
        if (padded) {
            Secret trimmed = Secret.of(secret.reveal().strip(), secret.describe());
            base = cxoneKey ? spec.withPassword(trimmed) : spec.withClientSecret(trimmed);
            Attempt a = attempt(base);
            String sentence = "the " + secretKey + " from " + secret.describe() + " has leading or trailing whitespace ("
                    + characters(secret.length() - secret.reveal().strip().length()) + ")";
            if (a.ok()) {
                out.add(0, Diagnosis.error("secret-whitespace", sentence + "; " + vendorInSentence(spec)
                        + " accepts the secret without it", "remove the whitespace from " + secret.describe()));
                return failedWith(spec, out, a);
            }
            out.add(Diagnosis.warning("secret-whitespace", sentence + "; removing it alone does not fix the login",
                    "remove the whitespace from " + secret.describe()));
        }
        if (!cxoneKey) {
            for (CredentialSpec variant : authVariants(base)) {
                Attempt a = attempt(variant);
                if (a.ok()) {
                    if (variant.clientAuth() == spec.clientAuth()) {
                        out.add(0, Diagnosis.error("basic-encoding", vendor(spec) + " rejects the Basic header built with "
                                + spec.basicEncoding().configName() + " id/secret and accepts it "
                                + variant.basicEncoding().configName() + (variant.basicEncoding() == BasicEncoding.FORM_URLENCODED
                                ? " (RFC 6749 §2.3.1: " + needsEncoding(spec) + " that must be form-urlencoded before Base64)"
                                : " (this server does not URL-decode the Basic header)"),
                                "basicEncoding: " + variant.basicEncoding().configName()));
                    } else {
                        out.add(0, Diagnosis.error("client-auth-method", vendor(spec) + " rejects the client authenticated with "
                                + spec.clientAuth().describe() + " but accepts " + variant.clientAuth().describe()
                                + (variant.clientAuth() == ClientAuth.BASIC ? " (" + variant.basicEncoding().configName() + ")" : ""),
                                "clientAuth: " + variant.clientAuth().configName()
                                        + (variant.clientAuth() == ClientAuth.BASIC && variant.basicEncoding() != spec.basicEncoding()
                                        ? " and basicEncoding: " + variant.basicEncoding().configName() : "")));
                    }
                    return failedWith(spec, out, a);
                }
            }
        }
        if (spec.provider().equals(CredentialSpec.GENESYS_CLOUD) && e.vendorDescription() != null
                && e.vendorDescription().toLowerCase(Locale.ROOT).contains("not found")) {
            out.add(0, Diagnosis.error("client-unknown", e.getMessage(), "check clientId, and region (one of "
                    + String.join(", ", CredentialsConfig.GENESYS_REGIONS) + ")"));
            return failed(spec, out);
        }
        String code = cxoneKey ? "access-key-wrong" : "secret-wrong";
        String sentence = e.getMessage();
        if (secret != null) {
            sentence += " (the configured " + secretKey + " from " + secret.describe() + " has " + characters(secret.length())
                    + ": if the vendor shows a longer one, it was truncated when copied"
                    + (cxoneKey ? "" : "; Basic and body client authentication were both tried") + ")";
        }
        out.add(0, Diagnosis.error(code, sentence, "copy the " + secretKey + " again into " + (secret == null ? "the secret store" : secret.describe())));
        return failed(spec, out);
    }

    private static List<CredentialSpec> authVariants(CredentialSpec spec) {
        List<CredentialSpec> out = new ArrayList<>();
        boolean encodingMatters = FormEncoding.differs(spec.clientId()) || FormEncoding.differs(spec.clientSecret().reveal());
        for (ClientAuth auth : List.of(ClientAuth.BASIC, ClientAuth.BODY, ClientAuth.JSON)) {
            if (auth == ClientAuth.BASIC) {
                for (BasicEncoding enc : List.of(spec.basicEncoding(), other(spec.basicEncoding()))) {
                    if ((spec.clientAuth() != ClientAuth.BASIC || enc != spec.basicEncoding())
                            && (enc == spec.basicEncoding() || encodingMatters)) {
                        out.add(spec.withClientAuth(auth, enc));
                    }
                }
            } else if (auth != spec.clientAuth()) {
                out.add(spec.withClientAuth(auth, spec.basicEncoding()));
            }
        }
        return out;
    }

    private static BasicEncoding other(BasicEncoding e) {
        return e == BasicEncoding.RAW ? BasicEncoding.FORM_URLENCODED : BasicEncoding.RAW;
    }

    /** invalid_scope: find which requested scopes are refused. */
    private CredentialReport scopes(CredentialSpec spec, LoginException e, List<Diagnosis> out) {
        List<String> refused = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        if (spec.scopes().size() > 1) {
            for (String s : spec.scopes()) {
                (attempt(spec.withRequestParams(spec.audience(), List.of(s), spec.extraParams())).ok() ? accepted : refused).add(s);
            }
        } else {
            refused.addAll(spec.scopes());
        }
        Attempt none = attempt(spec.withRequestParams(spec.audience(), List.of(), spec.extraParams()));
        String sentence = e.getMessage() + "; refused: " + (refused.isEmpty() ? "(the combination)" : String.join(" ", refused))
                + (accepted.isEmpty() ? "" : "; accepted alone: " + String.join(" ", accepted))
                + (none.ok() ? "; without any scope the server grants: "
                + (none.result.grantedScopes().isEmpty() ? "(not stated)" : String.join(" ", none.result.grantedScopes())) : "");
        out.add(0, Diagnosis.error("scope-not-allowed", sentence,
                accepted.isEmpty() ? "remove scopes, or grant " + String.join(" ", refused) + " to the client on the server"
                        : "scopes: [" + String.join(", ", accepted) + "], or grant " + String.join(" ", refused) + " to the client"));
        return failed(spec, out);
    }

    private CredentialReport cognos(CredentialSpec spec, LoginException e, List<Diagnosis> out) {
        String all = (e.getMessage() + " " + (e.vendorDescription() == null ? "" : e.vendorDescription())).toLowerCase(Locale.ROOT);
        if (e.kind() == Kind.REJECTED && all.contains("namespace '" + String.valueOf(spec.namespace()).toLowerCase(Locale.ROOT) + "' is not known")) {
            out.add(0, Diagnosis.error("cognos-namespace", e.getMessage(), "namespace: <the namespace ID from Manage > Namespaces>"));
            return failed(spec, out);
        }
        Secret secret = spec.apiKey() != null ? spec.apiKey() : spec.password();
        if (secret != null && !secret.reveal().equals(secret.reveal().strip()) && spec.apiKey() == null) {
            Attempt a = attempt(spec.withPassword(Secret.of(secret.reveal().strip(), secret.describe())));
            if (a.ok()) {
                out.add(0, Diagnosis.error("secret-whitespace", "the password from " + secret.describe()
                        + " has leading or trailing whitespace; Cognos accepts it without", "remove the whitespace from " + secret.describe()));
                return failedWith(spec, out, a);
            }
        }
        out.add(0, Diagnosis.error("cognos-credentials", e.getMessage() + (secret == null ? "" : " (the configured "
                + (spec.apiKey() != null ? "apiKey" : "password") + " from " + secret.describe() + " has " + characters(secret.length()) + ")"),
                spec.apiKey() != null ? "create a new API key and update apiKey" : "check username and password for namespace " + spec.namespace()));
        return failed(spec, out);
    }

    private Diagnosis transport(CredentialSpec spec, LoginException e) {
        String c = e.vendorCode() == null ? "" : e.vendorCode();
        return switch (c) {
            case "dns" -> Diagnosis.error("host-unresolved", e.getMessage(), endpointChange(spec));
            case "connection_refused", "timeout", "io_error" -> Diagnosis.error("vendor-unreachable", e.getMessage(),
                    "check the URL's host and port, proxies and firewalls");
            case LoginHttp.TLS_UNTRUSTED -> Diagnosis.error("tls-untrusted", spec.caBundle() == null
                    ? "TLS verification failed: the vendor's certificate is not trusted by the JVM's certificate authorities, so the"
                    + " login was refused before any secret was sent; set credentials[].caBundle to a PEM file of the CA that issued it."
                    : "TLS verification failed: the vendor's certificate is not issued by a CA in the configured caBundle "
                    + spec.caBundle() + ", so the login was refused before any secret was sent.", spec.caBundle() == null
                    ? "caBundle: /path/to/vendor-ca.pem (credentials[].caBundle, PEM certificates of the vendor's CA)"
                    : "add the issuing CA's PEM certificate to " + spec.caBundle());
            case "tls" -> Diagnosis.error("tls-failed", e.getMessage(), "check http vs https in the URL");
            default -> Diagnosis.error("login-failed", e.getMessage(), null);
        };
    }

    private static String endpointChange(CredentialSpec spec) {
        return switch (spec.provider()) {
            case CredentialSpec.GENESYS_CLOUD -> spec.region() != null
                    && ("https://login." + spec.region() + "/oauth/token").equals(spec.tokenUrl())
                    ? "region: one of " + String.join(", ", CredentialsConfig.GENESYS_REGIONS)
                    : "loginBaseUrl: https://login.<region> (or tokenUrl: https://login.<region>/oauth/token), or drop both and set region";
            case CredentialSpec.NICE_CXONE -> "authBaseUrl: https://cxone.niceincontact.com (or fix tokenUrl)";
            case CredentialSpec.COGNOS_ANALYTICS -> "baseUrl: https://<cognos host>/ibmcognos (the URL before /api/v1)";
            case CredentialSpec.AUTH0 -> "domain: <your tenant's domain, e.g. login.open-cosmos.com>";
            default -> spec.issuer() != null ? "issuer: <the server's issuer URL>, or tokenUrl" : "tokenUrl: <the server's token endpoint>";
        };
    }

    private static String grantChange(CredentialSpec spec) {
        return switch (spec.provider()) {
            case CredentialSpec.GENESYS_CLOUD -> "in Admin > OAuth, set the client's Grant Type to Client Credentials";
            case CredentialSpec.AUTH0 -> "in the Auth0 dashboard, enable the Client Credentials grant and authorize the application for the API";
            default -> "allow the " + spec.grantType() + " grant for client " + spec.clientId() + " on the server";
        };
    }

    private java.util.Optional<Diagnosis> skew(Instant vendorDate, Instant local) {
        if (vendorDate == null || local == null) {
            return java.util.Optional.empty();
        }
        Duration d = Duration.between(local, vendorDate);
        if (d.abs().compareTo(SKEW_THRESHOLD) < 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Diagnosis.warning("clock-skew", "the vendor's clock (Date: " + vendorDate + ") is "
                + human(d.abs()) + (d.isNegative() ? " behind" : " ahead of") + " this machine's clock"
                + ": tokens may look expired too early or not yet valid, and refreshes happen at the wrong time",
                "synchronise this machine's clock with NTP (e.g. timedatectl set-ntp true)"));
    }

    private CredentialReport failed(CredentialSpec spec, List<Diagnosis> out) {
        return new CredentialReport(spec.id(), spec.provider(), false, out, null, List.of(), null, null, null, null);
    }

    /** The configured login fails but a variant works: report the variant's token facts too. */
    private CredentialReport failedWith(CredentialSpec spec, List<Diagnosis> out, Attempt working) {
        LoginResult r = working.result;
        String aud = r.metadata().get("jwt.aud");
        Instant exp = r.metadata().containsKey("jwt.exp") ? Instant.parse(r.metadata().get("jwt.exp")) : null;
        return new CredentialReport(spec.id(), spec.provider(), false, out, r.lifetime(), r.grantedScopes(), aud, exp,
                r.apiBaseUrl(), r.tenantId());
    }

    // ------------------------------------------------------------------ attempts

    private record Attempt(LoginResult result, LoginException error, Instant at) {
        boolean ok() {
            return result != null;
        }
    }

    private Attempt attempt(CredentialSpec spec) {
        try {
            LoginResult r = client.bind(spec).login(null).toCompletionStage().toCompletableFuture()
                    .get(attemptTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Attempt(r, null, clock.instant());
        } catch (ExecutionException ex) {
            Throwable c = ex.getCause();
            LoginException le = c instanceof LoginException l ? l
                    : new LoginException(Kind.TRANSIENT, "the login failed unexpectedly (" + c.getClass().getSimpleName() + ")",
                    null, null, null, c);
            return new Attempt(null, le, clock.instant());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new Attempt(null, new LoginException(Kind.TRANSIENT, "interrupted", null, null, null, ex), clock.instant());
        } catch (java.util.concurrent.TimeoutException ex) {
            return new Attempt(null, new LoginException(Kind.TRANSIENT, vendor(spec) + " did not answer within "
                    + human(attemptTimeout), null, "timeout", null, ex), clock.instant());
        }
    }

    // ------------------------------------------------------------------ endpoints the login cannot judge

    /**
     * The login got a 3xx. Looks where it leads (secret-free): an HTML page means the URL is a web site
     * or its browser login, not a token endpoint, and the fix is the token path, never "the final URL".
     */
    private Diagnosis redirect(CredentialSpec spec, int status) {
        String tokenUrl = spec.tokenUrl();
        if (tokenUrl == null && spec.issuer() != null) {
            tokenUrl = probe.metadata(spec.issuer()).tokenEndpoint();
        }
        if (tokenUrl == null) {
            return Diagnosis.error("token-url-redirect", vendor(spec) + " answered " + status + " with a redirect instead of"
                    + " a login answer; a login endpoint answers the request itself", endpointChange(spec));
        }
        EndpointProbe.Answer first = probe.postGrant(tokenUrl, spec.grantType());
        if (!first.redirect()) {
            return Diagnosis.error("token-url-redirect", tokenUrl + " answered " + status + " with a redirect instead of a token;"
                    + " a token endpoint answers the POST itself with JSON (RFC 6749 §5.1)", tokenPathChange(spec, tokenUrl));
        }
        EndpointProbe.Answer end = probe.follow(first);
        if (end.html()) {
            return Diagnosis.error("token-url-login-page", tokenUrl + " is not a token endpoint: it answers " + first.status()
                    + " with a redirect to " + end.url() + ", an HTML " + (end.loginPage() ? "login page" : "page")
                    + " for browsers; a token endpoint answers the POST itself with JSON (RFC 6749 §5.1)", tokenPathChange(spec, tokenUrl));
        }
        EndpointProbe.Answer atTarget = probe.postGrant(end.url(), spec.grantType());
        JsonNode json = atTarget.json();
        if (!atTarget.redirect() && json != null && (json.has("error") || json.has("access_token"))) {
            return Diagnosis.error("token-url-redirect", tokenUrl + " redirects (" + first.status() + ") to " + end.url()
                    + ", which answers like a token endpoint; Switchboard does not follow redirects with credentials",
                    "tokenUrl: " + end.url());
        }
        return Diagnosis.error("token-url-redirect", tokenUrl + " is not a token endpoint: it redirects (" + first.status()
                + ") to " + end.url() + ", which answers " + atTarget.describe() + ", not a token endpoint's JSON either",
                tokenPathChange(spec, tokenUrl));
    }

    /** The change that points at the token path: the server's own metadata when it has some, else the usual paths. */
    private String tokenPathChange(CredentialSpec spec, String tokenUrl) {
        Optional<EndpointProbe.Metadata> m = probe.metadataAtOrAbove(tokenUrl, false);
        if (m.isPresent()) {
            return "tokenUrl: " + m.get().tokenEndpoint() + " (the token_endpoint in the server's metadata at " + m.get().foundAt() + ")";
        }
        if (!spec.provider().equals(CredentialSpec.OAUTH2)) {
            return endpointChange(spec);
        }
        return "tokenUrl: " + EndpointProbe.origin(tokenUrl) + "<the token path, e.g. /oauth/token, /oauth2/token or"
                + " /realms/<realm>/protocol/openid-connect/token: the server's documentation or its"
                + " /.well-known/openid-configuration names it as token_endpoint>";
    }

    /** With {@code issuer} and no tokenUrl: is there metadata naming a token endpoint, for this very issuer? */
    private Optional<Diagnosis> issuerMetadata(CredentialSpec spec) {
        String issuer = spec.issuer();
        EndpointProbe.Metadata m = probe.metadata(issuer);
        if (m.found()) {
            if (m.issuer() != null && !stripSlash(m.issuer()).equals(stripSlash(issuer))) {
                return Optional.of(Diagnosis.error("issuer-mismatch", "the metadata at " + m.foundAt() + " is for issuer "
                        + m.issuer() + ", not for the configured " + issuer + " (RFC 8414 §3.3: they must be identical)",
                        "issuer: " + m.issuer()));
            }
            return Optional.empty();
        }
        if (m.tried().stream().allMatch(a -> a.status() == 0)) {
            return Optional.empty(); // nothing answered: the transport diagnosis says why
        }
        String tried = String.join("; ", m.tried().stream().map(a -> a.url() + " answered " + a.describe()).toList());
        Optional<EndpointProbe.Metadata> above = probe.metadataAtOrAbove(issuer, true);
        String sentence = "no authorization server metadata for issuer " + issuer + " (" + tried + "); without it the token"
                + " endpoint cannot be found (RFC 8414 §3, OpenID Connect Discovery 1.0 §4)"
                + above.map(x -> "; the server publishes metadata for issuer " + x.issuer() + " at " + x.foundAt()).orElse("");
        String change = above.filter(x -> x.issuer() != null).map(x -> "issuer: " + x.issuer())
                .orElse("tokenUrl: <the server's token endpoint, e.g. " + stripSlash(issuer) + "/token> instead of issuer"
                        + " (when the server publishes no metadata), or issuer: <the exact issuer URL the server names in its metadata>");
        return Optional.of(Diagnosis.error("issuer-metadata-not-found", sentence, change));
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** What must be form-urlencoded: names the client id (not a secret), never shows the secret. */
    private static String needsEncoding(CredentialSpec spec) {
        boolean id = FormEncoding.differs(spec.clientId());
        boolean secret = spec.clientSecret() != null && FormEncoding.differs(spec.clientSecret().reveal());
        String idPart = "the client id '" + spec.clientId() + "' contains " + FormEncoding.specials(spec.clientId());
        if (id && secret) {
            return idPart + ", and the secret characters such as + % =,";
        }
        return id ? idPart : "the secret contains characters such as + % =";
    }

    /** "1 character", "2 characters". */
    static String characters(int n) {
        return n + (n == 1 ? " character" : " characters");
    }

    /** {@link #vendor} inside a sentence: "the OAuth2 server", proper names unchanged. */
    static String vendorInSentence(CredentialSpec spec) {
        String v = vendor(spec);
        return v.startsWith("The ") ? "the " + v.substring(4) : v;
    }

    static String vendor(CredentialSpec spec) {
        return switch (spec.provider()) {
            case CredentialSpec.GENESYS_CLOUD -> "Genesys";
            case CredentialSpec.NICE_CXONE -> "NICE CXone";
            case CredentialSpec.COGNOS_ANALYTICS -> "Cognos";
            case CredentialSpec.AUTH0 -> "Auth0";
            default -> "The OAuth2 server";
        };
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s % 3600 == 0 && s >= 3600) {
            return (s / 3600) + " h";
        }
        if (s % 60 == 0 && s >= 60) {
            return (s / 60) + " min";
        }
        if (s >= 3600) {
            return (s / 3600) + " h " + (s % 3600 / 60) + " min " + (s % 60) + " s";
        }
        if (s >= 60) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return s + " s";
    }

    /** Local helper, so the doctor does not depend on the login internals. */
    private static final class FormEncoding {
        static boolean differs(String s) {
            return s != null && !java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).equals(s);
        }

        /** The characters of {@code s} that form-urlencoding changes, quoted: {@code '+', '@'}. */
        static String specials(String s) {
            Set<String> out = new LinkedHashSet<>();
            s.codePoints().mapToObj(Character::toString).filter(FormEncoding::differs)
                    .forEach(c -> out.add(c.equals(" ") ? "a space" : "'" + c + "'"));
            return String.join(", ", out);
        }
    }
}
