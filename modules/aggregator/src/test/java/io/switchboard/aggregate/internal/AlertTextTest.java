package io.switchboard.aggregate.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Alert texts format numbers as {@code String.format("%.1f")} did, without a Formatter. */
class AlertTextTest {

    @Test
    void oneDecimalIsWhatFormatterWrites() {
        Random random = new Random(20261202);
        double[] edges = {0, 0.05, 0.15, 0.25, 0.35, 0.45, 1.05, 2.675, 79.95, 99.95, 100, 1e-9, 123456.75, Double.NaN,
                Double.POSITIVE_INFINITY, Double.MAX_VALUE, Double.MIN_VALUE};
        for (double v : edges) {
            assertThat(AlertEvaluator.oneDecimal(v)).as("%s", v).isEqualTo(String.format(Locale.ROOT, "%.1f", v));
        }
        for (int i = 0; i < 100_000; i++) {
            double v = switch (i % 3) {
                case 0 -> random.nextInt(100_000) / 100.0; // percentages and counts with two decimals
                case 1 -> random.nextDouble() * 100;
                default -> random.nextInt(10_000) / 20.0; // exact halves and quarters
            };
            assertThat(AlertEvaluator.oneDecimal(v)).as("%s", v).isEqualTo(String.format(Locale.ROOT, "%.1f", v));
        }
    }
}
