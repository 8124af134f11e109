package io.switchboard.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;

import io.switchboard.simulator.FaultSpec;
import io.switchboard.simulator.Vendor;

/**
 * A whole demo run (every role, the Genesys tokens revoked mid-run so 401s, refresh requests and a second login happen,
 * one credential parked for its wrong secret, CXone answering 503s and malformed JSON part of the time so PollErrors
 * are written), then a scan for secrets in everything it left behind: the demo's log
 * file, every log event (message, arguments, exceptions and their causes, MDC), the {@code /metrics} of every role,
 * and every record of every topic as raw bytes, keys, values and headers (so the error events on
 * {@code switchboard.poll-errors}, {@code switchboard.token-status} and the dead letters too). Looked for: every
 * configured secret (client secrets, the CXone access key secret, the Cognos password, the token-encryption key) raw,
 * URL-encoded, Base64'd and as a Basic {@code client:secret} pair, and every access token, refresh token, passport
 * and XSRF token the simulator issued (whole, or the distinctive part of it). None may appear.
 */
class DemoSecretsIT {

    /** Client ids of the demo's configuration, to build the Basic-header forms of their secrets. */
    private static final Map<String, String> CLIENT_OF_SECRET = Map.of("GENESYS_SECRET", "genesys-client",
            "GENESYS_WRONG_SECRET", "genesys-client", "CXONE_SECRET", "cxone-client", "CXONE_KEY_SECRET", "cxone-key-id",
            "COGNOS_PASSWORD", "cognos-user", "AUTH0_SECRET", "auth0-client");

    @Test
    void noConfiguredSecretAndNoIssuedTokenAppearsInLogsMetricsErrorEventsOrTopics(@TempDir Path dir) throws Exception {
        Path logFile = dir.resolve("demo.log");
        assertThat(DemoLogging.toFile(logFile)).as("the demo's file logging (no -Dlogback.configurationFile set)").isTrue();
        CapturingAppender captured = CapturingAppender.attach();
        StringWriter progress = new StringWriter();
        Map<String, String> findings = new TreeMap<>();
        Map<String, Integer> recordsPerTopic = new TreeMap<>();
        Set<String> secrets;
        Set<String> tokens;
        try (EmbeddedDemo demo = EmbeddedDemo.start(new DemoOptions(dir.resolve("data"), 30, 2, 0, null, 42L),
                new PrintWriter(progress, true))) {
            // vendor failures, so that error events (PollErrors with the vendor's answer) are part of what is scanned
            demo.simulator().faults().set(Vendor.CXONE, FaultSpec.none().withServerErrors(0.3, 503).withMalformedJson(0.2));
            // every tenant's records reach the dashboard, then the Genesys tokens are revoked ...
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> demo.snapshot().tenants().stream().allMatch(t -> t.snapshots() > 0));
            demo.revokeGenesysTokens();
            // ... and the run goes on until the pollers' 401s made the fleet log in again and PollErrors were written
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                DemoSnapshot s = demo.snapshot();
                return s.credentials().stream().filter(c -> c.id().equals("genesys-eu"))
                        .allMatch(c -> c.loginsSinceRevoke() != null && c.loginsSinceRevoke() >= 1)
                        && s.pollers().stream().anyMatch(p -> !p.errorsByKind().isEmpty());
            });
            assertThat(demo.fatal()).as("no role failed").isNotDone();

            secrets = secretForms(demo.secretValues());
            tokens = tokenForms(demo.simulator().issuedSecrets());
            assertThat(demo.simulator().issuedSecrets()).as("tokens the simulator issued (4 vendors, 2 Genesys logins, refresh tokens)")
                    .hasSizeGreaterThanOrEqualTo(5);

            for (Map.Entry<String, Integer> role : demo.opsPorts().entrySet()) {
                String metrics = get("http://127.0.0.1:" + role.getValue() + "/metrics");
                assertThat(metrics).as("/metrics of %s", role.getKey()).contains("# TYPE");
                scan("/metrics of " + role.getKey(), metrics, secrets, tokens, findings);
            }
            assertThat(demo.opsPorts()).containsKeys("token-manager", "poller-1", "poller-2", "aggregator");

            scanTopics(demo.bootstrapServers(), secrets, tokens, findings, recordsPerTopic);
        }
        captured.detach();

        assertThat(recordsPerTopic).as("records scanned per topic").containsKeys("switchboard.tokens", "switchboard.token-status",
                "switchboard.token-requests", "switchboard.queue-stats", "switchboard.poll-progress", "switchboard.dashboard.queue-snapshots");
        assertThat(recordsPerTopic.get("switchboard.tokens")).as("encrypted tokens on the topic").isPositive();
        assertThat(recordsPerTopic.get("switchboard.token-requests")).as("refresh requests after the revocation").isPositive();
        assertThat(recordsPerTopic.get("switchboard.token-status")).as("status events, the parked credential's among them").isPositive();
        assertThat(recordsPerTopic.getOrDefault("switchboard.poll-errors", 0)).as("error events of the injected vendor failures").isPositive();

        String fileText = Files.readString(logFile);
        assertThat(fileText).as("the demo log").contains("published credential genesys-eu");
        scan("the demo log file", fileText, secrets, tokens, findings);
        List<String> events = captured.lines();
        assertThat(events).as("log events captured").hasSizeGreaterThan(50);
        scan("the log events", String.join("\n", events), secrets, tokens, findings);
        scan("the demo's console", progress.toString(), secrets, tokens, findings);

        System.out.printf("secret scan: %d secret forms, %d token forms; records per topic %s; %d log events; log file %d chars%n",
                secrets.size(), tokens.size(), recordsPerTopic, events.size(), fileText.length());
        assertThat(findings).as("places where a secret or token appears in clear text (scanned %d records in %d topics, %d log events)",
                recordsPerTopic.values().stream().mapToInt(Integer::intValue).sum(), recordsPerTopic.size(), events.size()).isEmpty();
    }

    @Test
    void theScanFindsWhatItLooksFor() {
        // the scanner itself can fail: a planted token, a URL-encoded secret and a Basic header are all found
        Set<String> secrets = secretForms(Map.of("CXONE_KEY_SECRET", "cxone/key+secret=="));
        Set<String> tokens = tokenForms(Set.of("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXBhcnQtb2YtdGhlLWp3dA"));
        Map<String, String> findings = new TreeMap<>();
        scan("a", "token=abcdefghijklmnopqrst...", secrets, tokens, findings);
        scan("b", "body client_secret=cxone%2Fkey%2Bsecret%3D%3D", secrets, tokens, findings);
        scan("c", "Authorization: Basic " + Base64.getEncoder().encodeToString("cxone-key-id:cxone/key+secret==".getBytes(StandardCharsets.UTF_8)),
                secrets, tokens, findings);
        scan("d", "jwt signature c2lnbmF0dXJlLXBhcnQtb2YtdGhlLWp3dA", secrets, tokens, findings);
        scan("e", "nothing to see: eyJhbGciOiJSUzI1NiJ9 is a public JWT header", secrets, tokens, findings);
        assertThat(findings).containsOnlyKeys("a", "b", "c", "d");
    }

    // ---- what is looked for ----

    /** Each configured secret raw, URL-encoded, Base64'd, and as the Basic header of its client. */
    private static Set<String> secretForms(Map<String, String> secretValues) {
        Set<String> forms = new LinkedHashSet<>();
        secretValues.forEach((name, value) -> {
            forms.add(value);
            forms.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
            forms.add(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
            String client = CLIENT_OF_SECRET.get(name);
            if (client != null) {
                forms.add(Base64.getEncoder().encodeToString((client + ":" + value).getBytes(StandardCharsets.UTF_8)));
                forms.add(Base64.getEncoder().encodeToString((URLEncoder.encode(client, StandardCharsets.UTF_8) + ":"
                        + URLEncoder.encode(value, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
            }
        });
        return forms;
    }

    /**
     * What would give a token away: a JWT's signature (header and payload are public by design), any other token's
     * first 16 characters (random, so a prefix is as telling as the whole).
     */
    private static Set<String> tokenForms(Set<String> issued) {
        Set<String> forms = new LinkedHashSet<>();
        for (String t : issued) {
            String[] parts = t.split("\\.");
            if (parts.length == 3) {
                forms.add(parts[2]);
            } else {
                forms.add(t.length() > 16 ? t.substring(0, 16) : t);
            }
        }
        return forms;
    }

    private static void scan(String where, String text, Set<String> secrets, Set<String> tokens, Map<String, String> findings) {
        for (String s : secrets) {
            int at = text.indexOf(s);
            if (at >= 0) {
                findings.merge(where, "secret " + mask(s) + " near: " + context(text, at), (a, b) -> a + " | " + b);
            }
        }
        for (String t : tokens) {
            int at = text.indexOf(t);
            if (at >= 0) {
                findings.merge(where, "issued token " + mask(t) + " near: " + context(text, at), (a, b) -> a + " | " + b);
            }
        }
    }

    private static String mask(String s) {
        return s.substring(0, Math.min(3, s.length())) + "…(" + s.length() + " chars)";
    }

    private static String context(String text, int at) {
        return text.substring(Math.max(0, at - 60), at).replace('\n', ' ') + "<HERE>";
    }

    // ---- where it is looked for ----

    private static String get(String url) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s", url).isEqualTo(200);
        return r.body();
    }

    /** Every record of every topic (internal ones too), read uncommitted so aborted transactions are scanned as well. */
    private static void scanTopics(String bootstrap, Set<String> secrets, Set<String> tokens, Map<String, String> findings,
                                   Map<String, Integer> recordsPerTopic) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Set<String> topics;
        try (Admin admin = Admin.create(props)) {
            topics = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS);
        }
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new LinkedHashMap<>(consumer.endOffsets(parts));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    recordsPerTopic.merge(r.topic(), 1, Integer::sum);
                    String where = "topic " + r.topic();
                    scan(where, latin1(r.key()) + "\n" + latin1(r.value()), secrets, tokens, findings);
                    for (Header h : r.headers()) {
                        scan(where + " header " + h.key(), latin1(h.value()), secrets, tokens, findings);
                    }
                }
                return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
        }
    }

    /** Bytes as characters one to one: a UTF-8 secret (ASCII here) is found wherever its bytes are. */
    private static String latin1(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Keeps every log event of the run as text: logger, level, message, MDC, and each exception in the cause chain. */
    static final class CapturingAppender extends AppenderBase<ILoggingEvent> {

        private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        private Logger root;

        static CapturingAppender attach() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            CapturingAppender a = new CapturingAppender();
            a.setContext(context);
            a.setName("secret-scan");
            a.start();
            a.root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            a.root.addAppender(a);
            // Switchboard's own DEBUG lines too, and the Kafka clients' INFO (they print their configs)
            context.getLogger("io.switchboard").setLevel(Level.DEBUG);
            context.getLogger("org.apache.kafka.clients").setLevel(Level.INFO);
            return a;
        }

        void detach() {
            root.detachAppender(this);
            stop();
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        @Override
        protected void append(ILoggingEvent e) {
            StringBuilder b = new StringBuilder(e.getLevel().toString()).append(' ').append(e.getLoggerName()).append(" - ")
                    .append(e.getFormattedMessage());
            if (!e.getMDCPropertyMap().isEmpty()) {
                b.append(' ').append(e.getMDCPropertyMap());
            }
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                b.append("\n  ").append(t.getClassName()).append(": ").append(t.getMessage());
                for (StackTraceElementProxy s : t.getStackTraceElementProxyArray()) {
                    b.append("\n    ").append(s.getSTEAsString());
                }
                if (t.getCause() == t) {
                    break;
                }
            }
            lines.add(b.toString());
        }
    }
}
