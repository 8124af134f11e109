package io.switchboard.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.switchboard.core.Secret;
import io.switchboard.core.Topics;
import io.switchboard.events.token.TokenRecord;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;
import io.switchboard.token.fixtures.SimulatorTokenFleet;
import io.switchboard.token.internal.TokenCipher;
import io.switchboard.token.internal.TokenSerdes;
import io.switchboard.token.internal.TopicSetup;

/**
 * Token material at topic level (issue 13, point 3): the raw records a real token manager published on
 * {@code <prefix>.tokens} of a real broker do not contain the access tokens; a reader with another key, or without
 * the key id the writer used (a rotation it missed), says which setting is wrong and how keys rotate; a record whose
 * ciphertext was altered by one byte fails its AEAD tag and is reported and skipped while the reader keeps going and
 * keeps serving every token it can decrypt. {@code TokenCipherTest} covers the same properties on the cipher alone.
 */
@WithKafka
class TokenTopicSecurityIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final List<String> CREDENTIALS = List.of(SimulatorTokenFleet.GENESYS, SimulatorTokenFleet.AUTH0);

    KafkaBroker broker;

    private VendorSimulator sim;
    private SimulatorTokenFleet fleet;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private TokenTable rightReader;

    @BeforeEach
    void start() {
        sim = VendorSimulator.start(SimulatorConfig.defaults());
        fleet = SimulatorTokenFleet.start(broker, sim, CREDENTIALS);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
        fleet.close();
        sim.close();
    }

    private <T extends AutoCloseable> T closing(T resource) {
        closeAfter.add(resource);
        return resource;
    }

    /** The access tokens the fleet issued, as a reader with the right key decrypts them. */
    private Map<String, String> accessTokens() {
        if (rightReader == null) {
            rightReader = fleet.tokenTable("right-key-reader");
        }
        TokenTable reader = rightReader;
        Map<String, String> tokens = new HashMap<>();
        for (String id : CREDENTIALS) {
            String authorization = reader.current(id).orElseThrow().headers().get("Authorization").reveal();
            assertThat(authorization).startsWith("Bearer ");
            tokens.put(id, authorization.substring("Bearer ".length()));
        }
        return tokens;
    }

    /** Every record on the tokens topic, as the bytes the broker holds, once every credential has one. */
    private List<ConsumerRecord<String, byte[]>> rawTokenRecords() {
        Map<String, Object> props = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(fleet.topics().tokens()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await("a record per credential on " + fleet.topics().tokens()).atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.stream().map(ConsumerRecord::key).distinct().count() >= CREDENTIALS.size();
            });
        }
        return records;
    }

    private TokenTableConfig readerWith(TokenKeys keys, String clientId, Topics topics) {
        TokenTableConfig right = fleet.tokenTableConfig(clientId);
        return new TokenTableConfig(right.kafkaProperties(), topics, keys, right.schemaRegistry(), clientId, right.expirySafetyMargin());
    }

    @Test
    void theRawRecordsOnTheTopicDoNotContainTheAccessTokens() {
        Map<String, String> tokens = accessTokens();
        List<ConsumerRecord<String, byte[]>> records = rawTokenRecords();
        assertThat(records).isNotEmpty();
        for (ConsumerRecord<String, byte[]> r : records) {
            // ISO-8859-1 maps every byte to one char: a token in any single-byte encoding would show up as a substring.
            String bytes = new String(r.value(), StandardCharsets.ISO_8859_1);
            for (String token : tokens.values()) {
                assertThat(bytes).as("raw record %s@%d", r.key(), r.offset()).doesNotContain(token)
                        .doesNotContain(Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)))
                        .doesNotContain(token.substring(0, Math.min(12, token.length())));
            }
            // (the non-secret metadata in clear, such as token_type Bearer and the JWT's audience, is there by design)
            r.headers().forEach(h -> tokens.values().forEach(t ->
                    assertThat(new String(h.value(), StandardCharsets.ISO_8859_1)).as("Kafka header %s", h.key()).doesNotContain(t)));
        }
    }

    @Test
    void aReaderWithAnotherKeyOrWithoutTheWritersKeyIdSaysWhichSettingAndHowKeysRotate() {
        accessTokens(); // every credential published
        TokenTable wrongBytes = closing(TokenTable.start(readerWith(TokenKeys.random("k1"), "wrong-key-reader", fleet.topics())));
        await("both credentials reported by the reader with another key k1").atMost(WAIT)
                .until(() -> wrongBytes.isReady() && wrongBytes.problems().keySet().containsAll(CREDENTIALS));
        for (String id : CREDENTIALS) {
            assertThat(wrongBytes.current(id)).as("no token decrypted with the wrong key").isEmpty();
            assertThat(wrongBytes.problems().get(id)).contains("token of credential " + id, "does not verify with key 'k1'",
                    "encryption.keys.k1 (SWITCHBOARD_ENCRYPTION_KEYS_K1) is not the key the token manager encrypted it with",
                    "To rotate keys: add the new key under a new id to encryption.keys", "set encryption.activeKeyId");
        }
        assertThat(wrongBytes.health().up()).as("the reader keeps running: %s", wrongBytes.health()).isTrue();

        TokenTable missedRotation = closing(TokenTable.start(readerWith(TokenKeys.random("k0"), "old-key-reader", fleet.topics())));
        await("both credentials reported by the reader without key id k1").atMost(WAIT)
                .until(() -> missedRotation.isReady() && missedRotation.problems().keySet().containsAll(CREDENTIALS));
        assertThat(missedRotation.problems().get(SimulatorTokenFleet.GENESYS))
                .contains("is encrypted with key id 'k1', which this reader does not have (it has [k0])",
                        "add that key to encryption.keys as encryption.keys.k1 (SWITCHBOARD_ENCRYPTION_KEYS_K1)", "To rotate keys");
    }

    @Test
    void aTamperedRecordIsReportedAndSkippedAndTheReaderKeepsServingTheTokensItCanDecrypt() throws Exception {
        Map<String, String> tokens = accessTokens();
        List<ConsumerRecord<String, byte[]>> records = rawTokenRecords();
        ConsumerRecord<String, byte[]> genesys = newest(records, SimulatorTokenFleet.GENESYS);
        ConsumerRecord<String, byte[]> auth0 = newest(records, SimulatorTokenFleet.AUTH0);

        // A copy of the topic under another prefix, so the running token manager never overwrites what is tested.
        Topics copy = new Topics("tamper" + UUID.randomUUID().toString().substring(0, 8));
        TopicSetup.ensureTopics(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()), copy, 1);
        Serde<TokenRecord> serde = TokenSerdes.value(TokenRecord.class, fleet.tokenTableConfig("x").schemaRegistry());
        TokenRecord decoded = serde.deserializer().deserialize(fleet.topics().tokens(), genesys.value());
        byte[] tampered = flipOneCiphertextByte(genesys.value(), decoded);
        // The Auth0 token re-encrypted under key id k2, which the reader does not have (a writer rotated before it).
        TokenRecord auth0Record = serde.deserializer().deserialize(fleet.topics().tokens(), auth0.value());
        Map<String, Secret> auth0Headers = rightReader.current(SimulatorTokenFleet.AUTH0).orElseThrow().headers();
        auth0Record.setHeaders(new TokenCipher(TokenKeys.random("k2")).encrypt(SimulatorTokenFleet.AUTH0, auth0Record.getVersion(), auth0Headers));
        byte[] rotated = serde.serializer().serialize(copy.tokens(), auth0Record);

        TokenTable reader = closing(TokenTable.start(readerWith(fleet.tokenTableConfig("x").keys(), "copy-reader", copy)));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(copy.tokens(), SimulatorTokenFleet.GENESYS, tampered)).get();
            producer.send(new ProducerRecord<>(copy.tokens(), SimulatorTokenFleet.AUTH0, rotated)).get();
        }
        await("both bad records reported").atMost(WAIT).until(() -> reader.problems().keySet().containsAll(CREDENTIALS));
        assertThat(reader.problems().get(SimulatorTokenFleet.GENESYS)).contains("does not verify with key 'k1'",
                "the record was altered or copied from another credential or version");
        assertThat(reader.problems().get(SimulatorTokenFleet.AUTH0)).contains("key id 'k2'", "encryption.keys.k2");
        assertThat(reader.current(SimulatorTokenFleet.GENESYS)).as("a tampered record is never served").isEmpty();
        for (String token : tokens.values()) {
            assertThat(String.join("\n", reader.problems().values())).as("no token in the reports").doesNotContain(token);
        }

        // The reader did not die: the intact record that follows is read, decrypted and served.
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(copy.tokens(), SimulatorTokenFleet.GENESYS, genesys.value())).get();
        }
        await("the intact Genesys record served after the tampered one").atMost(WAIT)
                .until(() -> reader.current(SimulatorTokenFleet.GENESYS).isPresent());
        assertThat(reader.current(SimulatorTokenFleet.GENESYS).orElseThrow().headers().get("Authorization").reveal())
                .isEqualTo("Bearer " + tokens.get(SimulatorTokenFleet.GENESYS));
        assertThat(reader.problems()).as("the Genesys problem is cleared, the Auth0 one stays").doesNotContainKey(SimulatorTokenFleet.GENESYS)
                .containsKey(SimulatorTokenFleet.AUTH0);
        assertThat(reader.health().up()).as("health %s", reader.health()).isTrue();
    }

    private static ConsumerRecord<String, byte[]> newest(List<ConsumerRecord<String, byte[]>> records, String key) {
        return records.stream().filter(r -> key.equals(r.key()) && r.value() != null).reduce((a, b) -> b).orElseThrow();
    }

    /** The raw record with one bit flipped in the middle of its ciphertext: still a valid TokenRecord, but altered. */
    private static byte[] flipOneCiphertextByte(byte[] raw, TokenRecord decoded) {
        ByteBuffer ct = decoded.getHeaders().getCiphertext().duplicate();
        byte[] ciphertext = new byte[ct.remaining()];
        ct.get(ciphertext);
        int at = indexOf(raw, ciphertext);
        assertThat(at).as("the ciphertext is in the raw record").isNotNegative();
        byte[] copy = raw.clone();
        copy[at + ciphertext.length / 2] ^= 0x01;
        return copy;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }
}
