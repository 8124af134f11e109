package io.switchboard.token.doctor;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.switchboard.core.ConfigProblem;

/**
 * Renders doctor reports for people (plain text) and for machines (JSON, see docs/doctor.md): the public
 * API the {@code switchboard doctor} command (modules/cli) prints with, and that any other front end can use.
 * Reports never contain secrets ({@link Doctor}), so neither does anything rendered here. Stateless and
 * thread-safe.
 */
public final class ReportFormat {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFormat() {
    }

    /**
     * Plain text, one block per credential: {@code OK}/{@code FAIL}, the credential id and provider, each diagnosis
     * with its code and {@code change:} line, then a count of checked and failing credentials.
     *
     * @param reports the reports, in the order to print
     * @return the text, ending with a line break
     */
    public static String human(List<CredentialReport> reports) {
        StringBuilder sb = new StringBuilder();
        for (CredentialReport r : reports) {
            sb.append(r.ok() ? "OK    " : "FAIL  ").append(r.credentialId()).append(" (").append(r.provider()).append(")\n");
            for (Diagnosis d : r.diagnoses()) {
                sb.append("  ").append(switch (d.severity()) {
                    case INFO -> "- ";
                    case WARNING -> "! ";
                    case ERROR -> "x ";
                }).append(d.sentence()).append(" [").append(d.code()).append("]\n");
                if (d.change() != null) {
                    sb.append("      change: ").append(d.change()).append('\n');
                }
            }
        }
        long failed = reports.stream().filter(r -> !r.ok()).count();
        sb.append(reports.size()).append(reports.size() == 1 ? " credential" : " credentials").append(" checked, ")
                .append(failed).append(" failing\n");
        return sb.toString();
    }

    /**
     * JSON: {@code {"ok":…, "credentials":[{id, provider, ok, lifetimeSeconds, grantedScopes, audience, expiresAt, apiBaseUrl,
     * tenantId, diagnoses:[{code, severity, sentence, change}]}]}}; absent facts are left out.
     *
     * @param reports the reports
     * @return indented JSON, ending with a line break
     */
    public static String json(List<CredentialReport> reports) {
        ObjectNode root = JSON.createObjectNode();
        root.put("ok", reports.stream().allMatch(CredentialReport::ok));
        ArrayNode creds = root.putArray("credentials");
        for (CredentialReport r : reports) {
            ObjectNode c = creds.addObject();
            c.put("id", r.credentialId());
            c.put("provider", r.provider());
            c.put("ok", r.ok());
            if (r.lifetime() != null) {
                c.put("lifetimeSeconds", r.lifetime().toSeconds());
            }
            ArrayNode scopes = c.putArray("grantedScopes");
            r.grantedScopes().forEach(scopes::add);
            putIf(c, "audience", r.audience());
            putIf(c, "expiresAt", r.expiresAt() == null ? null : r.expiresAt().toString());
            putIf(c, "apiBaseUrl", r.apiBaseUrl());
            putIf(c, "tenantId", r.tenantId());
            ArrayNode ds = c.putArray("diagnoses");
            for (Diagnosis d : r.diagnoses()) {
                ObjectNode n = ds.addObject();
                n.put("code", d.code());
                n.put("severity", d.severity().name().toLowerCase());
                n.put("sentence", d.sentence());
                putIf(n, "change", d.change());
            }
        }
        return write(root);
    }

    /**
     * JSON for a configuration that cannot be read: {@code {"ok":false, "config":…, "configProblems":[{key, value, message}]}}.
     *
     * @param source   the configuration file (or other source) the problems are in
     * @param problems every problem found; values of secrets are already masked in {@link ConfigProblem}
     * @return indented JSON, ending with a line break
     */
    public static String jsonProblems(String source, List<ConfigProblem> problems) {
        ObjectNode root = JSON.createObjectNode();
        root.put("ok", false);
        root.put("config", source);
        ArrayNode arr = root.putArray("configProblems");
        for (ConfigProblem p : problems) {
            ObjectNode n = arr.addObject();
            n.put("key", p.key());
            putIf(n, "value", p.value());
            n.put("message", p.message());
        }
        return write(root);
    }

    private static String write(ObjectNode root) {
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putIf(ObjectNode n, String key, String value) {
        if (value != null) {
            n.put(key, value);
        }
    }
}
