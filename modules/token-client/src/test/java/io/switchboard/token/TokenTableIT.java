package io.switchboard.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.switchboard.core.Secret;
import io.switchboard.core.Topics;
import io.switchboard.core.supervise.Failures;
import io.switchboard.events.token.TokenRecord;
import io.switchboard.events.token.TokenRefreshRequest;
import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.registry.serde.AvroSerdes;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.registry.server.EmbeddedSchemaRegistryOptions;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;
import io.switchboard.token.internal.TokenSerdes;
import io.vertx.core.Vertx;

/** The token-client contract against a real broker and the embedded registry. */
@WithKafka
class TokenTableIT {

    KafkaBroker broker;

    private final TokenKeys keys = TokenKeys.random("k1");
    private final Topics topics = new Topics("tt" + UUID.randomUUID().toString().substring(0, 8));
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        closeAfter.add(resource);
        return resource;
    }

    private EmbeddedSchemaRegistry registry(String topic) {
        return closing(EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistryOptions.defaults(broker.bootstrapServers()).withTopic(topic)));
    }

    private TokenTableConfig config(SchemaRegistryConfig registry, String clientId) {
        return TokenTableConfig.of(Map.of("bootstrap.servers", broker.bootstrapServers()), topics, keys, registry, clientId);
    }

    /** What a listener was told, in order: "id:version" or "-id" for a removal. */
    private static final class Recorder implements TokenListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onToken(String credentialId, TokenView token) {
            events.add(credentialId + ":" + token.version());
        }

        @Override
        public void onRemoved(String credentialId) {
            events.add("-" + credentialId);
        }

        List<String> of(String credentialId) {
            return events.stream().filter(e -> e.startsWith(credentialId + ":")).toList();
        }
    }

    @Test
    void aListenerAddedAfterStartFirstReceivesTheCurrentTokensThenEachNewVersionOnce() throws Exception {
        TokenWriter.createTopics(broker, topics);
        SchemaRegistryConfig registry = SchemaRegistryConfig.of(registry("_schemas-" + topics.prefix()).url());
        TokenWriter writer = closing(new TokenWriter(broker, topics, keys, registry));
        Instant expires = Instant.now().plus(Duration.ofHours(1));
        writer.write("alpha", 1, expires);
        writer.write("beta", 1, expires);
        writer.write("beta", 2, expires);

        TokenTable table = closing(TokenTable.start(config(registry, "reader-1")));
        assertThat(table.awaitReady(Duration.ofSeconds(60))).isTrue();
        Recorder late = new Recorder();
        table.addListener(late);
        assertThat(late.events).as("told about the current tokens before addListener returns").containsExactly("alpha:1", "beta:2");

        writer.write("alpha", 2, expires);
        writer.remove("beta");
        await().atMost(Duration.ofSeconds(30)).until(() -> late.events.size() == 4);
        assertThat(late.events).containsExactly("alpha:1", "beta:2", "alpha:2", "-beta");
        assertThat(table.health().up()).isTrue();
    }

    @Test
    void headersRefuseATokenThatExpiresWithinTheConfiguredSafetyMargin() throws Exception {
        TokenWriter.createTopics(broker, topics);
        SchemaRegistryConfig registry = SchemaRegistryConfig.of(registry("_schemas-" + topics.prefix()).url());
        TokenWriter writer = closing(new TokenWriter(broker, topics, keys, registry));
        Instant expires = Instant.now().plus(Duration.ofHours(1));
        writer.write("alpha", 1, expires);

        TokenTable byDefault = closing(TokenTable.start(config(registry, "reader-default")));
        TokenTable noMargin = closing(TokenTable.start(config(registry, "reader-zero").withExpirySafetyMargin(Duration.ZERO)));
        TokenTable wide = closing(TokenTable.start(config(registry, "reader-wide").withExpirySafetyMargin(Duration.ofMinutes(5))));
        for (TokenTable t : List.of(byDefault, noMargin, wide)) {
            assertThat(t.awaitReady(Duration.ofSeconds(60))).isTrue();
        }
        assertThat(byDefault.headers("alpha")).hasValueSatisfying(h -> assertThat(h.get("Authorization").reveal()).isEqualTo("Bearer alpha-v1"));
        assertThat(byDefault.headers("alpha", expires.minusSeconds(31))).isPresent();
        assertThat(byDefault.headers("alpha", expires.minusSeconds(30))).as("30 s default margin").isEmpty();
        assertThat(byDefault.headers("alpha", expires.minusSeconds(1))).isEmpty();
        assertThat(noMargin.headers("alpha", expires.minusMillis(1))).isPresent();
        assertThat(noMargin.headers("alpha", expires)).isEmpty();
        assertThat(wide.headers("alpha", expires.minus(Duration.ofMinutes(6)))).isPresent();
        assertThat(wide.headers("alpha", expires.minus(Duration.ofMinutes(4)))).isEmpty();
        assertThat(byDefault.current("alpha")).as("the token itself stays readable").isPresent();
    }

    @Test
    void requestRefreshOnAnEventLoopReturnsAtOnceAndTheRequestReachesTheTopic() throws Exception {
        TokenWriter.createTopics(broker, topics);
        SchemaRegistryConfig registry = SchemaRegistryConfig.of(registry("_schemas-" + topics.prefix()).url());
        TokenTable table = closing(TokenTable.start(config(registry, "poller-7")));
        Vertx vertx = Vertx.vertx();
        closeAfter.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
        CompletableFuture<CompletableFuture<Void>> onLoop = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            try {
                onLoop.complete(table.requestRefresh("alpha", 3L, "401 from GET /api/v2/analytics", 401));
            } catch (Throwable e) {
                onLoop.completeExceptionally(e);
            }
        });
        CompletableFuture<Void> sent = onLoop.get(30, TimeUnit.SECONDS);
        sent.get(60, TimeUnit.SECONDS);

        List<TokenRefreshRequest> requests = readRequests(registry, 1);
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.getCredentialId()).isEqualTo("alpha");
            assertThat(r.getFailedVersion()).isEqualTo(3L);
            assertThat(r.getRequester()).isEqualTo("poller-7");
            assertThat(r.getHttpStatus()).isEqualTo(401);
        });

        CompletableFuture<Void> noId = table.requestRefresh(null, 1L, "x", null);
        assertThat(noId).isCompletedExceptionally();
    }

    @Test
    void requestRefreshNeverWaitsForAHangingRegistryAndCloseCompletesEveryPendingFuture() throws Exception {
        TokenWriter.createTopics(broker, topics);
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // accepts and never answers
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            SchemaRegistryConfig hanging = SchemaRegistryConfig.of("http://127.0.0.1:" + silent.getLocalPort())
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(120)).withRetries(0, Duration.ofMillis(1), Duration.ofMillis(1));
            TokenTable table = TokenTable.start(config(hanging, "poller-8"));
            assertThat(table.awaitReady(Duration.ofSeconds(60))).isTrue(); // the topic is empty: nothing to decode

            Vertx vertx = Vertx.vertx();
            closeAfter.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
            CompletableFuture<List<CompletableFuture<Void>>> onLoop = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                try {
                    List<CompletableFuture<Void>> futures = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        futures.add(table.requestRefresh("alpha", (long) i, "401", 401));
                    }
                    onLoop.complete(futures);
                } catch (Throwable e) {
                    onLoop.completeExceptionally(e);
                }
            });
            List<CompletableFuture<Void>> futures = onLoop.get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> !accepted.isEmpty()); // the sender is stuck in the registry call
            assertThat(futures).as("returned while the registry hangs").noneMatch(CompletableFuture::isDone);
            CompletableFuture<Void> caughtUp = table.catchUp();

            table.close();
            assertThat(futures).allMatch(CompletableFuture::isCompletedExceptionally);
            assertThat(futures.subList(1, 3)).allSatisfy(f -> assertThat(Failures.unwrap(catchFailure(f))).isInstanceOf(TokenTableClosedException.class));
            assertThat(caughtUp).isDone();
            assertThat(table.requestRefresh("alpha", 9L, "401", 401)).isCompletedExceptionally();
            assertThat(Failures.unwrap(catchFailure(table.catchUp()))).isInstanceOf(TokenTableClosedException.class);
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void theTokenTopicsAcceptRegistryCredentialsAndNeverPrintThem() throws Exception {
        TokenWriter.createTopics(broker, topics);
        EmbeddedSchemaRegistry embedded = registry("_schemas-" + topics.prefix());
        TokenWriter writer = closing(new TokenWriter(broker, topics, keys, SchemaRegistryConfig.of(embedded.url())));
        writer.write("alpha", 1, Instant.now().plus(Duration.ofHours(1)));

        String basic = "Basic " + Base64.getEncoder().encodeToString("reader:s3cret-pw".getBytes(StandardCharsets.UTF_8));
        AuthenticatingRegistryProxy basicProxy = closing(new AuthenticatingRegistryProxy(embedded.url(), basic));
        String urlWithCredentials = basicProxy.url().replace("http://", "http://reader:s3cret-pw@");
        TokenTableConfig viaUrl = config(SchemaRegistryConfig.of(urlWithCredentials), "reader-basic");
        TokenTable table = closing(TokenTable.start(viaUrl));
        assertThat(table.awaitReady(Duration.ofSeconds(60))).isTrue();
        assertThat(table.current("alpha")).isPresent();
        assertThat(basicProxy.authorizedRequests()).isPositive();
        assertThat(basicProxy.rejectedRequests()).isZero();
        Map<String, Object> saslProps = Map.of("bootstrap.servers", broker.bootstrapServers(), "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"kafka-pw\";",
                "ssl.truststore.password", "trust-pw");
        String printed = new TokenTableConfig(saslProps, topics, keys, SchemaRegistryConfig.of(urlWithCredentials), "x", null).toString()
                + viaUrl.schemaRegistry() + viaUrl.schemaRegistryUrl() + viaUrl.schemaRegistry().describeUrls();
        assertThat(printed).doesNotContain("s3cret-pw").doesNotContain("kafka-pw").doesNotContain("trust-pw").contains("basic(****)");

        AuthenticatingRegistryProxy bearerProxy = closing(new AuthenticatingRegistryProxy(embedded.url(), "Bearer tok-42"));
        TokenTable bearer = closing(TokenTable.start(config(SchemaRegistryConfig.of(bearerProxy.url())
                .withBearerToken(Secret.of("tok-42")), "reader-bearer")));
        assertThat(bearer.awaitReady(Duration.ofSeconds(60))).isTrue();
        assertThat(bearer.current("alpha")).isPresent();

        TokenTable wrong = closing(TokenTable.start(config(SchemaRegistryConfig.of(basicProxy.url())
                .withBasicAuth("reader", Secret.of("wrong-pw")), "reader-wrong")));
        await().atMost(Duration.ofSeconds(60)).until(() -> wrong.health().reason() != null && wrong.health().reason().contains("FAILED"));
        assertThat(wrong.health().reason()).contains("401").doesNotContain("wrong-pw");
        assertThat(wrong.current("alpha")).isEmpty();
    }

    @Test
    void aRegistryOutageInTheMiddleOfAReadIsRetriedAndNoRecordIsSkippedOrAppliedTwice() throws Exception {
        TokenWriter.createTopics(broker, topics);
        EmbeddedSchemaRegistryOptions options = EmbeddedSchemaRegistryOptions.defaults(broker.bootstrapServers())
                .withTopic("_schemas-" + topics.prefix());
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(options);
        int port = registry.port();
        try {
            SchemaRegistryConfig writerRegistry = SchemaRegistryConfig.of(registry.url());
            // the reader's own client (other retry settings), so it fetches each writer schema itself
            SchemaRegistryConfig readerRegistry = SchemaRegistryConfig.of(registry.url()).withRetries(1, Duration.ofMillis(100), Duration.ofMillis(200));
            TokenWriter writer = closing(new TokenWriter(broker, topics, keys, writerRegistry));
            Instant expires = Instant.now().plus(Duration.ofHours(1));
            writer.write("alpha", 1, expires);
            writer.write("beta", 1, expires);

            TokenTable table = closing(TokenTable.start(config(readerRegistry, "reader-outage")));
            Recorder recorder = new Recorder();
            table.addListener(recorder);
            assertThat(table.awaitReady(Duration.ofSeconds(60))).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> recorder.events.size() == 2);

            // Newer records in a newer (compatible) writer schema, registered while the registry is up; the reader
            // has not seen its id yet and must ask the registry for it.
            List<byte[]> newer = List.of(inNewerSchema(writer, "alpha", 2, expires), inNewerSchema(writer, "alpha", 3, expires),
                    inNewerSchema(writer, "beta", 2, expires));
            registry.close();
            try (KafkaProducer<String, byte[]> producer = producer()) {
                producer.send(new ProducerRecord<>(topics.tokens(), "alpha", newer.get(0))).get();
                producer.send(new ProducerRecord<>(topics.tokens(), "alpha", newer.get(1))).get();
                producer.send(new ProducerRecord<>(topics.tokens(), "beta", newer.get(2))).get();
            }
            writer.write("gamma", 1, expires); // the schema the reader knows: read during the outage
            await().atMost(Duration.ofSeconds(60)).until(() -> table.health().reason() != null
                    && table.health().reason().contains("RETRYING") && table.health().reason().contains("schema registry"));
            assertThat(table.current("alpha")).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo(1));
            assertThat(table.problems()).as("an outage is not a poison record").isEmpty();

            registry = EmbeddedSchemaRegistry.start(options.withPort(port));
            await().atMost(Duration.ofSeconds(60)).until(() -> table.current("alpha").map(TokenView::version).orElse(0L) == 3
                    && table.current("beta").map(TokenView::version).orElse(0L) == 2 && table.current("gamma").isPresent());
            assertThat(recorder.of("alpha")).containsExactly("alpha:1", "alpha:2", "alpha:3");
            assertThat(recorder.of("beta")).containsExactly("beta:1", "beta:2");
            assertThat(recorder.of("gamma")).containsExactly("gamma:1");
            assertThat(table.problems()).isEmpty();
            await().atMost(Duration.ofSeconds(30)).until(() -> table.health().up());
            assertThat(table.headers("alpha")).hasValueSatisfying(h -> assertThat(h.get("Authorization").reveal()).isEqualTo("Bearer alpha-v3"));
        } finally {
            registry.close();
        }
    }

    /** A token record in TokenRecord's schema plus an optional field, registered (and encoded) by the writer's client. */
    private byte[] inNewerSchema(TokenWriter writer, String credentialId, long version, Instant expires) throws IOException {
        TokenRecord record = writer.record(credentialId, version, expires);
        Schema base = TokenRecord.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        base.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field("region", Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "added later", org.apache.avro.JsonProperties.NULL_VALUE));
        Schema newer = Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(TokenRecord.class).write(record, encoder);
        encoder.flush();
        GenericRecord generic = new GenericDatumReader<GenericRecord>(base, newer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        return AvroSerdes.generic(Map.of(SchemaRegistryConfig.URL, writer.registryUrl()), false).serializer().serialize(topics.tokens(), generic);
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(broker.clientProperties(), new StringSerializer(), new ByteArraySerializer());
    }

    private List<TokenRefreshRequest> readRequests(SchemaRegistryConfig registry, int expected) {
        Properties p = broker.clientProperties();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        var deserializer = TokenSerdes.value(TokenRefreshRequest.class, registry).deserializer();
        List<TokenRefreshRequest> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topics.tokenRequests()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(deserializer.deserialize(r.topic(), r.value()));
                }
                return out.size() >= expected;
            });
        }
        return out;
    }

    private static Throwable catchFailure(CompletableFuture<?> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected " + f + " to fail");
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
