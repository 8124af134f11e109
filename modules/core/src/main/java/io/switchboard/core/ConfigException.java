package io.switchboard.core;

import java.util.List;

/**
 * Configuration that cannot work. Not retriable: the operator must change the configuration.
 *
 * <p>Carries every problem found, so start-up reports them all at once rather than one per restart.
 */
public class ConfigException extends SwitchboardException {

    private static final long serialVersionUID = 1L;

    private final List<ConfigProblem> problems;

    /** @param source where the configuration came from, e.g. a file path */
    public ConfigException(String source, List<ConfigProblem> problems) {
        super(format(source, problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in the order found. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(String source, List<ConfigProblem> problems) {
        StringBuilder sb = new StringBuilder();
        sb.append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append(" in ").append(source).append(':');
        for (ConfigProblem p : problems) {
            sb.append(System.lineSeparator()).append("  - ").append(p);
        }
        return sb.toString();
    }
}
