package io.switchboard.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.CompatibilityCheck;
import io.switchboard.registry.CompatibilityLevel;
import io.switchboard.registry.EvolvingSchemas;
import io.switchboard.registry.IncompatibleSchemaException;
import io.switchboard.registry.InvalidSchemaException;
import io.switchboard.registry.QueueStats;
import io.switchboard.registry.RegisteredSchema;
import io.switchboard.registry.SchemaNotFoundException;
import io.switchboard.registry.SchemaRegistryClient;
import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.registry.SubjectNotFoundException;
import io.switchboard.registry.VersionNotFoundException;
import io.switchboard.registry.serde.AvroDeserializer;
import io.switchboard.registry.serde.AvroSerdeConfig;
import io.switchboard.registry.serde.AvroSerializer;
import io.switchboard.registry.serde.SubjectNameStrategy;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/** Client and serdes against the embedded registry over HTTP, with a real broker underneath. */
@WithKafka
class EmbeddedRegistryIT {

    static KafkaBroker broker;
    static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistryOptions.defaults(broker.bootstrapServers()).withTopic("_schemas-it"));
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    static SchemaRegistryClient client() {
        return new SchemaRegistryClient(SchemaRegistryConfig.of(registry.url()));
    }

    @Test
    void everyErrorCodeIsTyped() throws Exception {
        SchemaRegistryClient client = client();
        int id = client.register("errors-value", EvolvingSchemas.v1());

        assertThatThrownBy(() -> client.getLatestVersion("no-such-subject"))
                .isInstanceOfSatisfying(SubjectNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
        assertThatThrownBy(() -> client.getVersion("errors-value", 5))
                .isInstanceOfSatisfying(VersionNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40402));
        assertThatThrownBy(() -> client.getSchemaById(id + 1000))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> client.lookup("errors-value", EvolvingSchemas.v2()))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> client.lookup("no-such-subject", EvolvingSchemas.v2()))
                .isInstanceOfSatisfying(SubjectNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
        assertThatThrownBy(() -> client.register("errors-value", EvolvingSchemas.v3Incompatible()))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.isRetriable()).isFalse();
                })
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE").hasMessageContaining("region")
                .hasMessageContaining("new fields need a default");
        assertThatThrownBy(() -> client.testCompatibility("errors-value", "abc", EvolvingSchemas.v2()))
                .isInstanceOfSatisfying(InvalidSchemaException.class, e -> assertThat(e.errorCode()).isEqualTo(42202));

        // 42201 and 42203 need bodies our client never sends: speak raw HTTP
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> invalid = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/errors-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"X\\\"}\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.body()).contains("\"error_code\":42201");
        HttpResponse<String> level = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/config/errors-value"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"SIDEWAYS\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(level.statusCode()).isEqualTo(422);
        assertThat(level.body()).contains("\"error_code\":42203").contains("BACKWARD_TRANSITIVE");
        HttpResponse<String> noConfig = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/config/errors-value")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noConfig.statusCode()).isEqualTo(404);
        assertThat(noConfig.body()).contains("\"error_code\":40408");
        assertThat(noConfig.headers().firstValue("Content-Type")).hasValue("application/vnd.schemaregistry.v1+json");
    }

    @Test
    void schemaIdsListTheirSubjectsAndVersionsAndSubjectsFilterByPrefix() throws Exception {
        SchemaRegistryClient client = client();
        // Schemas of this test only: the registry is shared by the class, and ids are per schema.
        Schema v1 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"IdsProbe\",\"namespace\":\"io.switchboard.test\","
                + "\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
        Schema v2 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"IdsProbe\",\"namespace\":\"io.switchboard.test\","
                + "\"fields\":[{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":[\"null\",\"int\"],\"default\":null}]}");
        int shared = client.register("ids-a-value", v1);
        assertThat(client.register("ids-b-value", v1)).as("the same schema has one id").isEqualTo(shared);
        int second = client.register("ids-a-value", v2);

        assertThat(client.getSubjectsById(shared)).containsExactly("ids-a-value", "ids-b-value");
        assertThat(client.getSubjectsById(second)).containsExactly("ids-a-value");
        assertThat(client.getVersionsById(shared)).extracting(RegisteredSchema::subject, RegisteredSchema::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ids-a-value", 1), org.assertj.core.groups.Tuple.tuple("ids-b-value", 1));
        assertThat(client.getVersionsById(second)).singleElement().satisfies(v -> {
            assertThat(v.version()).isEqualTo(2);
            assertThat(v.schema()).isEqualTo(v2);
        });
        assertThatThrownBy(() -> client.getSubjectsById(shared + 1000))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> client.getVersionsById(shared + 1000))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));

        // Confluent's shapes, and its ?subject= filter
        HttpClient http = HttpClient.newHttpClient();
        assertThat(get(http, "/schemas/ids/" + shared + "/subjects")).isEqualTo("[\"ids-a-value\",\"ids-b-value\"]");
        assertThat(get(http, "/schemas/ids/" + shared + "/versions"))
                .isEqualTo("[{\"subject\":\"ids-a-value\",\"version\":1},{\"subject\":\"ids-b-value\",\"version\":1}]");
        assertThat(get(http, "/schemas/ids/" + shared + "/subjects?subject=ids-b-value")).isEqualTo("[\"ids-b-value\"]");
        assertThat(get(http, "/schemas/ids/" + shared + "/versions?subject=ids-b-value"))
                .isEqualTo("[{\"subject\":\"ids-b-value\",\"version\":1}]");

        // GET /subjects?subjectPrefix=
        assertThat(client.getSubjects("ids-")).containsExactly("ids-a-value", "ids-b-value");
        assertThat(client.getSubjects("ids-b")).containsExactly("ids-b-value");
        assertThat(client.getSubjects("no-such-prefix")).isEmpty();
        assertThat(client.getSubjects("")).containsAll(List.of("ids-a-value", "ids-b-value")).isEqualTo(client.getSubjects());
        assertThat(get(http, "/subjects?subjectPrefix=%3A*%3A")).contains("\"ids-a-value\"", "\"ids-b-value\"");
    }

    @Test
    void anInvalidSchemaIsAnsweredWithTheOffendingTypeNotAnInternalClass() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> invalid = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/invalid-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"{\\\"type\\\":\\\"strin\\\"}\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.body()).contains("\"error_code\":42201").contains("Invalid schema: unknown type \\\"strin\\\" at the top level")
                .doesNotContain("org.apache").doesNotContain("UnresolvedSchema").doesNotContain("Exception");
    }

    private static String get(HttpClient http, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(registry.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void restShapesMatchConfluents() throws Exception {
        SchemaRegistryClient client = client();
        int id = client.register("shapes-value", EvolvingSchemas.v1());
        HttpClient http = HttpClient.newHttpClient();
        String byId = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/schemas/ids/" + id)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(byId).startsWith("{\"schema\":\"{\\\"type\\\":\\\"record\\\"");
        String version = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/shapes-value/versions/latest")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(version).startsWith("{\"subject\":\"shapes-value\",\"version\":1,\"id\":" + id + ",\"schema\":");
        String compat = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/compatibility/subjects/shapes-value/versions/latest?verbose=true"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":" + new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValueAsString(EvolvingSchemas.v2().toString()) + "}")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(compat).isEqualTo("{\"is_compatible\":true,\"messages\":[]}");
        String register = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/shapes-value/versions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":" + new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValueAsString(EvolvingSchemas.v1().toString()) + "}")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(register).isEqualTo("{\"id\":" + id + "}");
        assertThat(client.getSubjects()).contains("shapes-value");
        assertThat(client.getVersions("shapes-value")).containsExactly(1);
    }

    @Test
    void compatibilityChecksAndConfig() {
        SchemaRegistryClient client = client();
        client.register("compat-value", EvolvingSchemas.v1());
        assertThat(client.getCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.getCompatibility("compat-value")).isEqualTo(CompatibilityLevel.BACKWARD);
        CompatibilityCheck bad = client.testCompatibility("compat-value", EvolvingSchemas.v3Incompatible());
        assertThat(bad.compatible()).isFalse();
        assertThat(bad.messages()).anySatisfy(m -> assertThat(m).contains("READER_FIELD_MISSING_DEFAULT_VALUE"));
        assertThat(client.testCompatibility("compat-value", EvolvingSchemas.v2()).compatible()).isTrue();

        assertThat(client.setCompatibility("compat-value", CompatibilityLevel.NONE)).isEqualTo(CompatibilityLevel.NONE);
        assertThat(client.getCompatibility("compat-value")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(client.getCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        int v3 = client.register("compat-value", EvolvingSchemas.v3Incompatible());
        assertThat(client.getLatestVersion("compat-value")).extracting(RegisteredSchema::version, RegisteredSchema::id).containsExactly(2, v3);
    }

    @Test
    void schemaEvolutionV1WriterV2ReaderAndBack() {
        SchemaRegistryClient client = client();
        AvroSerdeConfig config = AvroSerdeConfig.of(client.config());
        String topic = "evolution";

        // v1 writer (generic), v2 reader (generated QueueStat): the new fields take their defaults
        GenericRecord v1Record = v1Record(3);
        byte[] v1Bytes = new AvroSerializer<GenericRecord>(client, config, false).serialize(topic, v1Record);
        QueueStat read = new AvroDeserializer<QueueStat>(client, config, QueueStat.class).deserialize(topic, v1Bytes);
        assertThat(read.getJobId()).isEqualTo("job-3");
        assertThat(read.getObservedAt()).isEqualTo(QueueStats.sample(3).getObservedAt());
        assertThat(read.getServiceLevelPercent()).isNull();
        assertThat(read.getExtraMetrics()).isEmpty();

        // v2 writer (generated), v1 reader (generic with the v1 reader schema): the new fields are dropped
        byte[] v2Bytes = new AvroSerializer<QueueStat>(client, config, false).serialize(topic, QueueStats.sample(4));
        assertThat(client.getVersions(topic + "-value")).containsExactly(1, 2);
        GenericRecord back = new AvroDeserializer<GenericRecord>(client, config, EvolvingSchemas.v1()).deserialize(topic, v2Bytes);
        assertThat(back.getSchema()).isEqualTo(EvolvingSchemas.v1());
        assertThat(back.get("jobId").toString()).isEqualTo("job-4");
        assertThat(back.get("offered")).isEqualTo(100L);

        // generic without a reader schema reads each record in its writer schema
        AvroDeserializer<GenericRecord> generic = new AvroDeserializer<>(client, config, (Class<GenericRecord>) null);
        assertThat(generic.deserialize(topic, v1Bytes).getSchema()).isEqualTo(EvolvingSchemas.v1());
        assertThat(generic.deserialize(topic, v2Bytes).getSchema()).isEqualTo(EvolvingSchemas.v2());
    }

    @Test
    void subjectNameStrategiesPickTheSubject() {
        SchemaRegistryClient client = client();
        AvroSerdeConfig recordName = new AvroSerdeConfig(client.config(), true, false, SubjectNameStrategy.TOPIC_RECORD_NAME,
                SubjectNameStrategy.RECORD_NAME, false);
        new AvroSerializer<QueueStat>(client, recordName, false).serialize("strategy-topic", QueueStats.sample(1));
        new AvroSerializer<QueueStat>(client, recordName, true).serialize("strategy-topic", QueueStats.sample(1));
        new AvroSerializer<QueueStat>(client, AvroSerdeConfig.of(client.config()), true).serialize("strategy-topic", QueueStats.sample(1));
        assertThat(client.getSubjects()).contains("io.switchboard.events.poll.QueueStat",
                "strategy-topic-io.switchboard.events.poll.QueueStat", "strategy-topic-key");
    }

    @Test
    void useLatestVersionWritesWithTheSubjectsLatestSchema() {
        SchemaRegistryClient client = client();
        client.register("latest-value", EvolvingSchemas.v1());
        int v2 = client.register("latest-value", EvolvingSchemas.v2());
        AvroSerdeConfig latest = new AvroSerdeConfig(client.config(), false, true, SubjectNameStrategy.TOPIC_NAME,
                SubjectNameStrategy.TOPIC_NAME, false);
        byte[] bytes = new AvroSerializer<GenericRecord>(client, latest, false).serialize("latest", v1Record(8));
        assertThat(((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff)).isEqualTo(v2);
        QueueStat read = new AvroDeserializer<QueueStat>(client, latest, QueueStat.class).deserialize("latest", bytes);
        assertThat(read.getJobId()).isEqualTo("job-8");
        assertThat(read.getExtraMetrics()).isEmpty();

        // auto.register=false and the schema is not there: a typed error, nothing registered
        AvroSerdeConfig noRegister = new AvroSerdeConfig(client.config(), false, false, SubjectNameStrategy.TOPIC_NAME,
                SubjectNameStrategy.TOPIC_NAME, false);
        assertThatThrownBy(() -> new AvroSerializer<QueueStat>(client, noRegister, false).serialize("unregistered", QueueStats.sample(1)))
                .isInstanceOf(SubjectNotFoundException.class).hasMessageContaining("unregistered-value");
        assertThat(client.getSubjects()).doesNotContain("unregistered-value");
        // and with the schema registered, lookup finds its id
        int id = client.register("unregistered-value", EvolvingSchemas.v2());
        byte[] found = new AvroSerializer<QueueStat>(client(), noRegister, false).serialize("unregistered", QueueStats.sample(1));
        assertThat(found[4]).isEqualTo((byte) id);
    }

    @Test
    void concurrentFirstUseMakesOneRequestPerIdAndPerRegistration() throws Exception {
        int id = client().register("concurrent-value", EvolvingSchemas.v1());
        SchemaRegistryClient fresh = client();
        long fetchesBefore = registry.requestCount("GET", "/schemas/ids/:id");
        List<Schema> fetched = runConcurrently(16, () -> fresh.getSchemaById(id));
        assertThat(fetched).hasSize(16).allSatisfy(s -> assertThat(s).isEqualTo(EvolvingSchemas.v1()));
        assertThat(registry.requestCount("GET", "/schemas/ids/:id") - fetchesBefore).isEqualTo(1);

        SchemaRegistryClient another = client();
        AvroSerializer<QueueStat> serializer = new AvroSerializer<>(another, AvroSerdeConfig.of(another.config()), false);
        long registersBefore = registry.requestCount("POST", "/subjects/:subject/versions");
        List<byte[]> written = runConcurrently(16, () -> serializer.serialize("concurrent-serializer", QueueStats.sample(2)));
        assertThat(written).hasSize(16);
        assertThat(registry.requestCount("POST", "/subjects/:subject/versions") - registersBefore).isEqualTo(1);
        assertThat(another.requestsSent()).isEqualTo(1);
    }

    private static GenericRecord v1Record(int n) {
        QueueStat s = QueueStats.sample(n);
        GenericRecordBuilder b = new GenericRecordBuilder(EvolvingSchemas.v1());
        for (Schema.Field f : EvolvingSchemas.v1().getFields()) {
            Object v = s.get(f.name());
            if (v instanceof java.time.Instant i) {
                v = i.toEpochMilli();
            }
            b.set(f.name(), v);
        }
        GenericData.Record r = b.build();
        return r;
    }

    private static <T> List<T> runConcurrently(int threads, java.util.concurrent.Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    gate.await();
                    return task.call();
                }));
            }
            gate.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

}
