package io.switchboard.token.doctor;

import java.util.Objects;

/**
 * One finding of {@code switchboard doctor} about one credential. Never contains a secret.
 *
 * @param code     stable machine-readable code, e.g. {@code client-auth-method} (see docs/doctor.md)
 * @param severity how bad it is
 * @param sentence what is wrong (or right), in plain words
 * @param change   the configuration change that fixes it (a YAML line or an action at the vendor), or {@code null}
 */
public record Diagnosis(String code, Severity severity, String sentence, String change) {

    /** How a finding weighs. */
    public enum Severity {
        /** A fact about a working login (lifetime, scopes, audience). */
        INFO,
        /** Works, but something will bite later (clock skew, short lifetime). */
        WARNING,
        /** The reason the login fails. */
        ERROR
    }

    public Diagnosis {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(sentence, "sentence");
    }

    static Diagnosis info(String code, String sentence) {
        return new Diagnosis(code, Severity.INFO, sentence, null);
    }

    static Diagnosis warning(String code, String sentence, String change) {
        return new Diagnosis(code, Severity.WARNING, sentence, change);
    }

    static Diagnosis error(String code, String sentence, String change) {
        return new Diagnosis(code, Severity.ERROR, sentence, change);
    }
}
