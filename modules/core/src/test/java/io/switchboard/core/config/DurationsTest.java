package io.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "PT2M, 120000", "pt2m, 120000", "PT1H30M, 5400000", "P1D, 86400000", "PT0.5S, 500",
            "500ms, 500", "90s, 90000", "5m, 300000", "1h, 3600000", "2d, 172800000", "' 90s ', 90000", "90 s, 90000",
            "0s, 0", "5M, 300000"})
    void readsBothForms(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"90", "0", "1500", "-5", "2.5"})
    void aBareNumberIsAnErrorNamingBothForms(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bare number")
                .hasMessageContaining("s or ")
                .hasMessageContaining("PT");
    }

    @Test
    void theBareNumberMessageSuggestsTheSameNumberWithUnits() {
        assertThatThrownBy(() -> Durations.parse("90")).hasMessageContaining("90s or 90ms").hasMessageContaining("PT90S");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5h", "10 minutes", "5w", "P1M", "P1Y", "PT", "abc", "h", "s90", "99999999999999999999s"})
    void anythingElseIsAnErrorNamingTheSyntax(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("PT2M", "too large"));
    }

    @Test
    void emptyIsAnError() {
        assertThatThrownBy(() -> Durations.parse(" ")).hasMessageContaining("is empty").hasMessageContaining("90s");
        assertThatThrownBy(() -> Durations.parse(null)).hasMessageContaining("is empty");
    }

    @Test
    void negativeIsoParsesSoThatTheKeysCheckCanNameIt() {
        assertThat(Durations.parse("-PT1S")).isEqualTo(Duration.ofSeconds(-1));
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "500, 500ms", "1500, 1500ms", "90000, 90s", "120000, 2m", "5400000, 90m", "3600000, 1h", "172800000, 2d"})
    void formatsInTheShortFormParseReadsBack(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void formatsWhatHasNoShortFormInIso() {
        assertThat(Durations.format(Duration.ofNanos(1500))).isEqualTo("PT0.0000015S");
        assertThat(Durations.format(Duration.ofSeconds(-3))).isEqualTo("PT-3S");
    }
}
