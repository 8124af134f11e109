package io.switchboard.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The configuration reference, generated from declared {@link ConfigKey}s: printed by
 * {@code --print-config-reference} and written into docs/configuration.md, so the documentation
 * cannot drift from the code. Build one with {@link #section} per group of keys. Immutable.
 */
public final class ConfigReference {

    /**
     * One group of keys in the reference.
     *
     * @param title  heading, e.g. {@code kafka (shared)}
     * @param intro  a sentence or two before the keys; may be empty
     * @param keys   the keys, in the order to show them
     */
    public record Section(String title, String intro, List<ConfigKey<?>> keys) {
        public Section {
            Objects.requireNonNull(title, "title");
            intro = intro == null ? "" : intro;
            keys = List.copyOf(keys);
        }
    }

    private final List<Section> sections;

    private ConfigReference(List<Section> sections) {
        this.sections = List.copyOf(sections);
    }

    /** An empty reference. */
    public static ConfigReference of() {
        return new ConfigReference(List.of());
    }

    /** This reference with one more section. */
    public ConfigReference section(String title, String intro, List<? extends ConfigKey<?>> keys) {
        List<Section> more = new ArrayList<>(sections);
        more.add(new Section(title, intro, List.copyOf(keys)));
        return new ConfigReference(more);
    }

    /** The sections. */
    public List<Section> sections() {
        return sections;
    }

    /** Every key of every section. */
    public List<ConfigKey<?>> keys() {
        List<ConfigKey<?>> all = new ArrayList<>();
        sections.forEach(s -> all.addAll(s.keys()));
        return all;
    }

    /** Plain text for a terminal: per key its name, type, default, environment variable and documentation. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(preamble(false)).append(System.lineSeparator());
        for (Section s : sections) {
            sb.append(System.lineSeparator()).append("== ").append(s.title()).append(System.lineSeparator());
            if (!s.intro().isEmpty()) {
                sb.append(s.intro()).append(System.lineSeparator());
            }
            for (ConfigKey<?> k : s.keys()) {
                sb.append(System.lineSeparator()).append(k.name()).append("  (").append(k.type().name()).append(", default ")
                        .append(k.describeDefault()).append(masked(k) ? ", masked" : "").append(')').append(System.lineSeparator());
                sb.append("    env: ").append(k.envVar() == null ? "(file only)" : k.envVar()).append(System.lineSeparator());
                for (String alias : k.aliases()) {
                    sb.append("    also read from ").append(alias).append(" (deprecated)").append(System.lineSeparator());
                }
                if (!k.doc().isEmpty()) {
                    sb.append("    ").append(k.doc()).append(System.lineSeparator());
                }
            }
        }
        return sb.toString();
    }

    /** Markdown: a table per section (key, type, default, environment variable, meaning). */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(preamble(true)).append("\n");
        for (Section s : sections) {
            sb.append("\n### ").append(s.title()).append("\n\n");
            if (!s.intro().isEmpty()) {
                sb.append(cell(s.intro())).append("\n\n");
            }
            sb.append("| key | type | default | environment variable | meaning |\n");
            sb.append("|---|---|---|---|---|\n");
            for (ConfigKey<?> k : s.keys()) {
                String doc = k.doc() + (k.aliases().isEmpty() ? "" : " Also read from " + String.join(", ", k.aliases().stream()
                        .map(a -> "`" + a + "`").toList()) + " (deprecated).");
                sb.append("| `").append(k.name()).append("` | ").append(cell(k.type().name() + (masked(k) ? " (masked)" : "")))
                        .append(" | ").append(cell(k.describeDefault())).append(" | ")
                        .append(k.envVar() == null ? "(file only)" : "`" + k.envVar() + "`").append(" | ").append(cell(doc)).append(" |\n");
            }
        }
        return sb.toString();
    }

    /** A key whose values are masked although its type is not a secret. */
    private static boolean masked(ConfigKey<?> k) {
        return k.isSecret() && !k.type().isSecret();
    }

    private static String preamble(boolean markdown) {
        String code = markdown ? "`" : "";
        return "File: " + code + "--config FILE" + code + ", else " + code + "$" + ConfigFile.ENV + code + ", else " + code + "./"
                + ConfigFile.DEFAULT + code + ". An environment variable overrides the file's value. Durations: "
                + Durations.SYNTAX + " (a bare number is an error). Secrets: " + code + "${env:NAME}" + code + " or " + code
                + "${file:/path}" + code + " in the file, never inline; in their environment variable, the value itself.";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;");
    }
}
