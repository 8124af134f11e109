package io.switchboard.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.poll.Poller;
import io.switchboard.poll.PollerConfig;
import io.switchboard.poll.PollerProcess;
import io.switchboard.poll.vendor.VendorHttpOptions;

/**
 * The poller of {@link PollerBenchmark}, alone in its JVM (started with {@code -Xmx256m}): a {@link PollerProcess} with
 * the vendor executor. Prints {@code READY} once ready, then once a second
 * {@code STATS <epochMs> records=<queue-stats records committed> polls=<polls> requests=<vendor requests>
 * skipped=<skipped slots> heapAfterGc=<bytes> heapUsed=<bytes> rss=<kB> maxLag=<s> requestMs=<mean vendor request>
 * throttled=<vendor 429 answers> lags=<every job's switchboard.poller.job.lag, s, comma-separated>}: the poller's own
 * meters, the ones {@code /metrics} exports. Runs until its stdin closes.
 */
public final class PollerBenchChild {

    private PollerBenchChild() {
    }

    public static void main(String[] args) throws Exception {
        PollerConfig config = PollerConfig.load(Path.of(args[0]));
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : VendorHttpOptions.defaults().maxConnectionsPerHost();
        CountDownLatch fatal = new CountDownLatch(1);
        PollerProcess process = PollerProcess.start(config, VendorHttpOptions.defaults().withMaxConnectionsPerHost(connections),
                (component, reason, cause) -> {
            System.out.println("FATAL " + reason);
            fatal.countDown();
        });
        Poller poller = process.poller();
        MeterRegistry registry = poller.meterRegistry();
        Thread stdin = new Thread(() -> {
            try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals("gc")) { // the live set: heap in use right after a full collection
                        System.gc();
                        System.out.println("LIVE " + heapUsed());
                    }
                }
            } catch (IOException ignored) {
                // parent gone
            }
            fatal.countDown();
        }, "stdin-watch");
        stdin.setDaemon(true);
        stdin.start();
        boolean announced = false;
        while (fatal.getCount() > 0) {
            if (!announced && poller.isReady()) {
                System.out.println("READY");
                announced = true;
            }
            if (announced) {
                double[] lags = registry.find("switchboard.poller.job.lag").gauges().stream().mapToDouble(Gauge::value).toArray();
                System.out.printf("STATS %d records=%.0f polls=%.0f requests=%.0f skipped=%.0f heapAfterGc=%d heapUsed=%d rss=%d maxLag=%.1f"
                                + " requestMs=%.1f throttled=%.0f lags=%s%n",
                        System.currentTimeMillis(),
                        sum(registry, "switchboard.poller.records", "topic", "queue-stats"),
                        sum(registry, "switchboard.poller.polls", null, null),
                        sum(registry, "switchboard.poller.poll.requests", null, null),
                        sum(registry, "switchboard.poller.skipped.slots", null, null),
                        heapAfterGc(), heapUsed(), rssKb(),
                        java.util.Arrays.stream(lags).max().orElse(0),
                        registry.find("switchboard.poller.vendor.request").timers().stream()
                                .mapToDouble(t -> t.mean(java.util.concurrent.TimeUnit.MILLISECONDS)).max().orElse(0),
                        sum(registry, "switchboard.poller.vendor.requests", "outcome", "429"),
                        java.util.Arrays.stream(lags).mapToObj(l -> String.format(java.util.Locale.ROOT, "%.1f", l))
                                .collect(java.util.stream.Collectors.joining(",")));
            }
            System.out.flush();
            fatal.await(1, java.util.concurrent.TimeUnit.SECONDS);
        }
        process.close();
        System.out.println("CLOSED");
        System.exit(0);
    }

    private static double sum(MeterRegistry registry, String name, String tag, String value) {
        var search = registry.find(name);
        if (tag != null) {
            search = search.tag(tag, value);
        }
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Heap in use right after the last collection of each heap pool: the live set, without forcing a GC. */
    private static long heapAfterGc() {
        long total = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getCollectionUsage();
            if (pool.getType() == MemoryType.HEAP && u != null) {
                total += u.getUsed();
            }
        }
        return total;
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }
}
