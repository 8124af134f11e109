package io.switchboard.cli;

import java.time.Duration;

import io.switchboard.core.config.Durations;
import picocli.CommandLine.ITypeConverter;

/** Duration options in the configuration's one syntax: {@code 90s}, {@code 5m}, {@code 500ms} or ISO-8601 {@code PT2M}. */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return Durations.parse(value);
    }
}
