package io.switchboard.simulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator on its own: {@code SimulatorMain [--port N] [--host H] [--config sim.yaml]}.
 * Prints the base URL, serves until the process is stopped (Ctrl-C closes it cleanly).
 * The {@code switchboard simulator} CLI command delegates here.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int code = run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Parses the arguments, starts the simulator and blocks until shutdown; returns an exit code on bad usage. */
    public static int run(String[] args) throws InterruptedException {
        VendorSimulator sim = startFrom(args);
        if (sim == null) {
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stop.countDown();
        }, "simulator-shutdown"));
        stop.await();
        return 0;
    }

    /** Starts from command-line arguments (null, with a message on stderr, when they are wrong). */
    public static VendorSimulator startFrom(String[] args) {
        Integer port = null;
        String host = null;
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--port":
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        System.err.println("--port needs a number 0..65535, was " + value);
                        return null;
                    }
                    i++;
                    break;
                case "--host":
                    host = value;
                    i++;
                    break;
                case "--config":
                    if (value == null || !Files.isRegularFile(Path.of(value))) {
                        System.err.println("--config needs a readable YAML file, was " + value);
                        return null;
                    }
                    config = Path.of(value);
                    i++;
                    break;
                case "-h":
                case "--help":
                    System.err.println("usage: simulator [--port N] [--host 127.0.0.1] [--config sim.yaml]");
                    return null;
                default:
                    System.err.println("unknown argument " + a + "; usage: simulator [--port N] [--host H] [--config sim.yaml]");
                    return null;
            }
        }
        SimulatorConfig.Builder b = config == null ? SimulatorConfig.builder() : SimulatorConfig.fromYaml(config).toBuilder();
        if (port != null) {
            b.port(port);
        }
        if (host != null) {
            b.host(host);
        }
        VendorSimulator sim = VendorSimulator.start(b.build());
        System.out.println("Switchboard vendor simulator listening on " + sim.baseUrl());
        System.out.println("  Genesys login " + sim.genesysLoginUrl() + "  API " + sim.genesysApiUrl());
        System.out.println("  CXone " + sim.cxoneAuthUrl() + "  Cognos " + sim.cognosUrl() + "  Auth0 " + sim.auth0Url()
                + "  OAuth2 " + sim.oauth2Issuer() + "  admin " + sim.baseUrl() + "/_admin/state");
        return sim;
    }
}
