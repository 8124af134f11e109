package io.switchboard.token.login.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.core.Secret;
import io.switchboard.core.http.VendorResponses;
import io.switchboard.token.login.CredentialSpec;
import io.switchboard.token.login.LoginException;
import io.switchboard.token.login.LoginException.Kind;

/**
 * Turns a vendor's non-2xx answer to a login into a {@link LoginException} whose message is one
 * sentence: who answered what, what it means for this credential, and what to change.
 * Vendor text is scrubbed of every configured secret before it is quoted. Stateless.
 */
public final class VendorErrors {

    private VendorErrors() {
    }

    /** The vendor's name as used in messages. */
    public static String vendor(CredentialSpec spec, String url) {
        return switch (spec.provider()) {
            case CredentialSpec.GENESYS_CLOUD -> "Genesys";
            case CredentialSpec.NICE_CXONE -> "NICE CXone";
            case CredentialSpec.COGNOS_ANALYTICS -> "Cognos";
            case CredentialSpec.AUTH0 -> "Auth0";
            default -> "The OAuth2 server " + (url == null ? "" : LoginHttp.hostOf(url));
        };
    }

    /** What to check when a host does not resolve or a URL does not exist. */
    static String hostHint(CredentialSpec spec) {
        return switch (spec.provider()) {
            case CredentialSpec.GENESYS_CLOUD -> spec.region() != null
                    ? "check that region '" + spec.region() + "' is the one your org lives in (or fix tokenUrl/loginBaseUrl)"
                    : "check tokenUrl / loginBaseUrl";
            case CredentialSpec.NICE_CXONE -> "check authBaseUrl / tokenUrl (default https://cxone.niceincontact.com)";
            case CredentialSpec.COGNOS_ANALYTICS -> "check baseUrl (e.g. https://cognos.example.com/ibmcognos)";
            case CredentialSpec.AUTH0 -> "check domain / tokenUrl (e.g. login.open-cosmos.com)";
            default -> spec.issuer() != null ? "check issuer / tokenUrl" : "check tokenUrl";
        };
    }

    /** Where the credential's id is shown: {@code client id 'abc' in region mypurecloud.ie}. */
    static String who(CredentialSpec spec) {
        String who = "client id '" + spec.clientId() + "'";
        if (spec.region() != null) {
            who += " in region " + spec.region();
        }
        return who;
    }

    /** The error code of an OAuth / Genesys / Cognos body, or {@code null}. */
    public static String code(JsonNode json) {
        return VendorResponses.code(json);
    }

    /** The vendor's description of the error, scrubbed, or {@code null}. */
    public static String description(JsonNode json, CredentialSpec spec) {
        return scrub(VendorResponses.description(json), spec);
    }

    /** Replaces every configured secret in {@code text} by {@code ****} and shortens it. */
    public static String scrub(String text, CredentialSpec spec, Secret... more) {
        if (text == null) {
            return null;
        }
        List<Secret> secrets = new ArrayList<>(List.of(more));
        for (Secret s : new Secret[] {spec.clientSecret(), spec.password(), spec.apiKey()}) {
            if (s != null) {
                secrets.add(s);
            }
        }
        String out = text;
        for (Secret s : secrets) {
            if (s != null && s.length() >= 3) {
                out = out.replace(s.reveal(), "****");
                if (!s.reveal().strip().isEmpty()) {
                    out = out.replace(s.reveal().strip(), "****");
                }
                out = out.replace(FormEncoding.encode(s.reveal()), "****");
            }
        }
        out = out.replace('\n', ' ').replace('\r', ' ');
        return out.length() > 200 ? out.substring(0, 200) + "…" : out;
    }

    /** The delay a 429 asks for: {@code Retry-After} (seconds or date), else Auth0's {@code x-ratelimit-reset}. */
    static Duration retryAfter(Reply reply, Instant now) {
        return VendorResponses.retryAfter(reply.headers()::get, now);
    }

    /**
     * Maps a non-2xx answer of a token endpoint.
     *
     * @param grant the grant that was sent (client_credentials, password, refresh_token)
     */
    public static LoginException tokenError(CredentialSpec spec, Reply reply, String grant, Instant now) {
        JsonNode json = reply.json();
        String code = code(json);
        String desc = description(json, spec);
        int status = reply.status();
        String lower = desc == null ? "" : desc.toLowerCase(Locale.ROOT);
        String head = vendor(spec, reply.url()) + " answered " + status + (code != null ? " " + code : "")
                + (desc != null && !desc.equals(code) ? " (" + desc + ")" : "") + ": ";

        if (status == 429) {
            Duration retry = retryAfter(reply, now);
            return ex(Kind.RATE_LIMITED, head + "the login rate limit for " + who(spec) + " is exhausted — Switchboard waits "
                    + (retry != null ? retry.toSeconds() + " s as asked" : "with backoff")
                    + " before the next attempt; if it repeats, another process logs in with the same client too often",
                    reply, code, desc, retry);
        }
        if (status >= 500) {
            return ex(Kind.TRANSIENT, head + "the vendor has a server-side problem — Switchboard retries with backoff; nothing to change",
                    reply, code, desc, null);
        }
        if (status == 404 || status == 405 || status == 410) {
            return ex(Kind.CONFIGURATION, head + "there is no token endpoint at " + reply.url() + " — " + hostHint(spec),
                    reply, code, desc, null);
        }
        if (status >= 300 && status < 400) {
            return ex(Kind.CONFIGURATION, head + "the token endpoint redirects to " + reply.headers().get("Location")
                    + " — set tokenUrl to the final URL", reply, code, desc, null);
        }
        String c = code == null ? "" : code;
        switch (c) {
            case "invalid_client":
                if (spec.provider().equals(CredentialSpec.GENESYS_CLOUD) && lower.contains("not found")) {
                    return ex(Kind.REJECTED, head + "client id '" + spec.clientId() + "' does not exist"
                            + (spec.region() != null ? " in region " + spec.region() : "")
                            + " — check the client id in Admin > OAuth and that your org lives in this region", reply, code, desc, null);
                }
                if (spec.provider().equals(CredentialSpec.GENESYS_CLOUD)) {
                    return ex(Kind.REJECTED, head + "the client secret is wrong for " + who(spec)
                            + " — copy it again from Admin > OAuth", reply, code, desc, null);
                }
                return ex(Kind.REJECTED, head + "the secret of " + who(spec) + " was not accepted with "
                        + spec.clientAuth().describe() + " — check the secret, or run `switchboard doctor --credential "
                        + spec.id() + "` to try the other client authentication methods and encodings", reply, code, desc, null);
            case "unauthorized_client":
                return ex(Kind.REJECTED, head + who(spec) + " is not allowed to use the " + grant + " grant — "
                        + grantFix(spec), reply, code, desc, null);
            case "access_denied":
                if (lower.contains("audience") && spec.audience() == null) {
                    return ex(Kind.CONFIGURATION, head + "the request carries no audience and the tenant has no default"
                            + " — set audience to the API identifier (e.g. https://beeapp.open-cosmos.com)", reply, code, desc, null);
                }
                if (lower.contains("service not enabled")) {
                    return ex(Kind.CONFIGURATION, head + "audience '" + spec.audience() + "' is not an API of this tenant"
                            + " — set audience to the API identifier (Auth0 dashboard: Applications > APIs)", reply, code, desc, null);
                }
                if (lower.contains("not authorized to access resource server") || status == 403) {
                    return ex(Kind.REJECTED, head + who(spec) + " has no grant for API '" + spec.audience()
                            + "' — authorize the application for that API (APIs > Machine to Machine Applications)", reply, code, desc, null);
                }
                return ex(Kind.REJECTED, head + "the client secret is wrong for " + who(spec)
                        + " — copy it again from the application's settings", reply, code, desc, null);
            case "invalid_scope":
                return ex(Kind.CONFIGURATION, head + "scope '" + String.join(" ", spec.scopes()) + "' is not allowed for "
                        + who(spec) + " — remove the scopes the client may not have, or grant them to the client on the server",
                        reply, code, desc, null);
            case "invalid_grant":
                if (grant.equals("refresh_token")) {
                    return ex(Kind.REJECTED, head + "the refresh token expired or was revoked — a full login follows",
                            reply, code, desc, null);
                }
                if (spec.provider().equals(CredentialSpec.NICE_CXONE)) {
                    return ex(Kind.REJECTED, head + "access key id '" + spec.username() + "' or its secret is wrong, expired or"
                            + " deactivated — create a new access key in CXone (My Profile > Access Keys) and update accessKeyId/accessKeySecret",
                            reply, code, desc, null);
                }
                return ex(Kind.REJECTED, head + "the " + grant + " grant was refused for " + who(spec)
                        + " — check the username/password or the client's grants on the server", reply, code, desc, null);
            case "unsupported_grant_type":
                return ex(Kind.CONFIGURATION, head + "the token endpoint does not support the " + grant + " grant — "
                        + "check tokenUrl and that the provider profile matches the server", reply, code, desc, null);
            case "invalid_request":
                if (lower.contains("audience")) {
                    return ex(Kind.CONFIGURATION, head + "the audience is missing or wrong — set audience to the API identifier",
                            reply, code, desc, null);
                }
                if (lower.contains("namespace") || lower.contains("resource")) {
                    return ex(Kind.CONFIGURATION, head + "the server needs a parameter the request did not carry — add it under extraParams"
                            + " (e.g. extraParams: {namespace: …} or {resource: …})", reply, code, desc, null);
                }
                return ex(Kind.CONFIGURATION, head + "the server found the login request malformed — run `switchboard doctor --credential "
                        + spec.id() + "` to try the documented variants", reply, code, desc, null);
            default:
                break;
        }
        if (status == 401 || status == 403) {
            return ex(Kind.REJECTED, head + "the server refused " + who(spec) + (code == null ? " without saying why" : "")
                    + " — check the client secret; `switchboard doctor --credential " + spec.id()
                    + "` tries Basic vs body authentication and the encodings", reply, code, desc, null);
        }
        return ex(Kind.CONFIGURATION, head + "the login request was not accepted — run `switchboard doctor --credential "
                + spec.id() + "` to find out which setting is wrong", reply, code, desc, null);
    }

    static String grantFix(CredentialSpec spec) {
        return switch (spec.provider()) {
            case CredentialSpec.GENESYS_CLOUD -> "set the OAuth client's Grant Type to Client Credentials in Admin > OAuth (or create a new client)";
            case CredentialSpec.AUTH0 -> "enable the Client Credentials grant for the application (Settings > Advanced > Grant Types)";
            case CredentialSpec.NICE_CXONE -> "register the application for the password grant with access keys in CXone";
            default -> "allow this grant for the client on the authorization server";
        };
    }

    static LoginException ex(Kind kind, String message, Reply reply, String code, String desc, Duration retryAfter) {
        return new LoginException(kind, message, reply.status(), code, retryAfter, desc, reply.date(), null);
    }
}
