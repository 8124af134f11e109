package io.switchboard.cli.demo;

import java.nio.file.Path;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;

/**
 * Sends the demo's logs to a file so that the terminal shows the live summary (errors still reach stderr).
 * Leaves logging alone when the user chose a configuration with {@code -Dlogback.configurationFile}.
 */
final class DemoLogging {

    private DemoLogging() {
    }

    /** Logs to {@code file} from now on; returns whether it did. */
    static boolean toFile(Path file) {
        if (System.getProperty("logback.configurationFile") != null
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            context.reset();
            context.putProperty("DEMO_LOG", file.toAbsolutePath().toString());
            configurator.doConfigure(DemoLogging.class.getResource("/logback-demo.xml"));
            return true;
        } catch (JoranException e) {
            return false;
        }
    }
}
