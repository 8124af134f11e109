package io.switchboard.registry;

import java.util.List;

/**
 * Answer of a compatibility test ({@code POST /compatibility/subjects/{s}/versions/{v}?verbose=true}).
 * Immutable.
 *
 * @param compatible whether the schema may be registered under the subject's rule
 * @param messages   the registry's reasons when it is not (may be empty for registries that give none)
 */
public record CompatibilityCheck(boolean compatible, List<String> messages) {

    public CompatibilityCheck {
        messages = List.copyOf(messages);
    }
}
