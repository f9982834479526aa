package io.kayak.broker.network;

import static io.kayak.broker.replica.ReplicatedCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.config.KayakConfig;
import io.kayak.broker.replica.ReplicatedCluster;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka protocol semantics checked request by request against one three-node cluster (num.partitions 2,
 * default.replication.factor 3; node 3 has auto.create.topics.enable=false), each test on its own topics: acks=0
 * (no response, the connection keeps serving, a refused partition closes it), Fetch limits and OFFSET_OUT_OF_RANGE,
 * Metadata auto-creation, CreateTopics with the broker defaults and CreatePartitions that would not grow.
 */
@Tag("integration")
class KafkaProtocolEdgesTest {
    private static final long TIMEOUT_S = 30;
    private static final int NUM_PARTITIONS = 2;

    @TempDir
    static Path tmp;
    private static ReplicatedCluster cluster;
    private static Admin admin;

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = new ReplicatedCluster(tmp, Map.of("num.partitions", Integer.toString(NUM_PARTITIONS),
                "default.replication.factor", "3"));
        KayakConfig three = cluster.configs.get(3);
        Map<String, String> props = new HashMap<>(three.props());
        props.put(KayakConfig.AUTO_CREATE_TOPICS_ENABLE, "false");
        cluster.configs.put(3, KayakConfig.of(three.file(), props));
        cluster.startAll();
        await("3 brokers registered", 60, () -> cluster.everyImage(i -> i.brokers().size() == 3));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        admin = Admin.create(p);
    }

    @AfterAll
    static void closeCluster() {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Socket connect(int node) throws IOException {
        Socket s = new Socket("127.0.0.1", cluster.servers.get(node).kafkaServers().get(0).port());
        s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        return s;
    }

    private static ProduceRequestData acksZero(String topic, int partition, String value) {
        ProduceRequestData produce = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData().setName(topic);
        t.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(
                MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(value.getBytes(StandardCharsets.UTF_8)))));
        produce.topicData().add(t);
        return produce;
    }

    @Test
    void acksZeroGetsNoResponseTheConnectionKeepsServingAndARefusedPartitionClosesIt() throws Exception {
        cluster.createTopic("fire", 1, 3, Map.of());
        TopicPartition tp = new TopicPartition("fire", 0);
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        pp.put(ProducerConfig.ACKS_CONFIG, "0");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 20; i++) {
                assertEquals(-1, producer.send(new ProducerRecord<>("fire", 0, null, "fire-" + i)).get(TIMEOUT_S, TimeUnit.SECONDS)
                        .offset(), "acks=0: the producer learns no offset");
            }
            producer.flush();
        }

        int leader = cluster.partition("fire", 0).orElseThrow().leader();
        try (Socket s = connect(leader)) {
            RawKafka.send(s, ApiKeys.PRODUCE, (short) 9, 7, acksZero("fire", 0, "raw"));
            RawKafka.send(s, ApiKeys.API_VERSIONS, (short) 3, 8,
                    new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1"));
            ApiVersionsResponseData v = (ApiVersionsResponseData) RawKafka.receive(s, ApiKeys.API_VERSIONS, (short) 3, 8);
            assertEquals(Errors.NONE.code(), v.errorCode(), "the first frame back answers the ApiVersions, not the produce");
        }

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            await("every acks=0 record readable", TIMEOUT_S, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= 21;
            });
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("fire-" + i);
        }
        assertEquals(21, values.size());
        assertEquals(1, values.stream().filter("raw"::equals).count(), "the raw acks=0 record landed once");
        assertEquals(expected, values.stream().filter(v -> !v.equals("raw")).toList(),
                "the producer's records, in order (an acks=0 flush does not wait for them: the raw one may come between)");

        int follower = cluster.servers.keySet().stream().filter(id -> id != leader).findFirst().orElseThrow();
        try (Socket s = connect(follower)) {
            RawKafka.send(s, ApiKeys.PRODUCE, (short) 9, 9, acksZero("fire", 0, "lost"));
            assertTrue(RawKafka.closedByPeer(s), "Kafka closes an acks=0 connection whose produce was refused (not the leader)");
        }
    }

    private static FetchRequestData fetch(int maxBytes, long offset0, int max0, long offset1, int max1) {
        List<FetchRequestData.FetchPartition> parts = new ArrayList<>();
        if (offset0 >= 0) {
            parts.add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(offset0).setPartitionMaxBytes(max0));
        }
        if (offset1 >= 0) {
            parts.add(new FetchRequestData.FetchPartition().setPartition(1).setFetchOffset(offset1).setPartitionMaxBytes(max1));
        }
        return new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0).setMaxBytes(maxBytes)
                .setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1)
                .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic("limits").setPartitions(parts)));
    }

    /** Batches per partition index, and every partition's error code. */
    private record Fetched(Map<Integer, Integer> batches, Map<Integer, Short> errors, Map<Integer, Long> logStart) {
    }

    private static Fetched call(Socket s, FetchRequestData req) throws IOException {
        FetchResponseData r = (FetchResponseData) RawKafka.call(s, ApiKeys.FETCH, (short) 12, req);
        Map<Integer, Integer> batches = new HashMap<>();
        Map<Integer, Short> errors = new HashMap<>();
        Map<Integer, Long> logStart = new HashMap<>();
        for (FetchResponseData.PartitionData pd : r.responses().get(0).partitions()) {
            int n = 0;
            for (RecordBatch ignored : ((MemoryRecords) pd.records()).batches()) {
                n++;
            }
            batches.put(pd.partitionIndex(), n);
            errors.put(pd.partitionIndex(), pd.errorCode());
            logStart.put(pd.partitionIndex(), pd.logStartOffset());
        }
        return new Fetched(batches, errors, logStart);
    }

    @Test
    void fetchLimitsReturnTheFirstBatchWholeOnlyOnceAndOffsetsOutsideTheLogAreOutOfRange() throws Exception {
        // Both partitions on node 1 alone, so one Fetch covers them.
        cluster.servers.get(1).topicAdmin().createTopic("limits", -1, -1, Map.of(), List.of(List.of(1), List.of(1)));
        await("limits led by node 1", 60, () -> cluster.partition("limits", 0).map(p -> p.leader() == 1).orElse(false)
                && cluster.partition("limits", 1).map(p -> p.leader() == 1).orElse(false));
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        String big = "x".repeat(1000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int p : new int[] {0, 0, 1}) { // one batch each: offsets 0 and 1 of partition 0, offset 0 of partition 1
                producer.send(new ProducerRecord<>("limits", p, null, big)).get(TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
        int mib = 1 << 20;
        try (Socket s = connect(1)) {
            Fetched all = call(s, fetch(mib, 0, mib, 0, mib));
            assertEquals(Map.of(0, 2, 1, 1), all.batches(), "within the limits everything comes");

            Fetched tinyResponse = call(s, fetch(10, 0, mib, 0, mib));
            assertEquals(Map.of(0, 1, 1, 0), tinyResponse.batches(),
                    "max_bytes below one batch: the first batch of the first partition still comes whole, nothing more");
            assertEquals(Map.of(0, Errors.NONE.code(), 1, Errors.NONE.code()), tinyResponse.errors());

            Fetched tinyPartitions = call(s, fetch(mib, 0, 10, 0, 10));
            assertEquals(Map.of(0, 1, 1, 0), tinyPartitions.batches(),
                    "partition_max_bytes below one batch: only the first partition with data gets its first batch");

            Fetched secondOnly = call(s, fetch(mib, 2, mib, 0, 10));
            assertEquals(Map.of(0, 0, 1, 1), secondOnly.batches(),
                    "partition 0 at its end has nothing, so partition 1 is the first with data and gets its batch");

            Fetched above = call(s, fetch(mib, 5, mib, 1, mib));
            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), above.errors().get(0), "above the log end");
            assertEquals(Errors.NONE.code(), above.errors().get(1), "at the log end: nothing yet, not out of range");

            TopicPartition tp0 = new TopicPartition("limits", 0);
            admin.deleteRecords(Map.of(tp0, RecordsToDelete.beforeOffset(1))).lowWatermarks().get(tp0).get(TIMEOUT_S, TimeUnit.SECONDS);
            Fetched below = call(s, fetch(mib, 0, mib, -1, 0));
            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), below.errors().get(0), "below the log start after DeleteRecords");
            assertEquals(1, below.logStart().get(0));
            assertEquals(Map.of(0, 1), call(s, fetch(mib, 1, mib, -1, 0)).batches(), "from the new log start it reads");
        }
    }

    private static MetadataResponseData.MetadataResponseTopic metadata(int node, short version, String topic,
                                                                      boolean allowAutoCreate) throws IOException {
        MetadataRequestData req = new MetadataRequestData().setTopics(List.of(new MetadataRequestData.MetadataRequestTopic()
                .setName(topic)));
        if (version >= 4) {
            req.setAllowAutoTopicCreation(allowAutoCreate);
        }
        try (Socket s = connect(node)) {
            MetadataResponseData r = (MetadataResponseData) RawKafka.call(s, ApiKeys.METADATA, version, req);
            return r.topics().iterator().next();
        }
    }

    @Test
    void metadataCreatesUnknownTopicsOnlyWhenTheBrokerAndTheRequestAllowIt() throws Exception {
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), metadata(1, (short) 12, "not-allowed", false).errorCode(),
                "allow_auto_topic_creation=false (v4+)");
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), metadata(3, (short) 12, "broker-off", true).errorCode(),
                "node 3 has auto.create.topics.enable=false");
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), metadata(3, (short) 1, "broker-off-v1", true).errorCode());
        short created = metadata(1, (short) 12, "auto-v12", true).errorCode();
        assertTrue(created == Errors.LEADER_NOT_AVAILABLE.code() || created == Errors.NONE.code(), "created: " + created);
        metadata(2, (short) 1, "auto-v1", true); // v0-3 carry no flag: they always allow
        await("both auto-created topics led", 60, () -> cluster.ready("auto-v12", NUM_PARTITIONS)
                && cluster.ready("auto-v1", NUM_PARTITIONS));
        assertEquals(NUM_PARTITIONS, cluster.image().topic("auto-v12").orElseThrow().partitions().size(), "num.partitions");
        assertEquals(3, cluster.image().topic("auto-v12").orElseThrow().partitions().get(0).replicas().size(),
                "default.replication.factor");
        MetadataResponseData.MetadataResponseTopic known = metadata(3, (short) 12, "auto-v12", false);
        assertEquals(Errors.NONE.code(), known.errorCode());
        assertEquals(NUM_PARTITIONS, known.partitions().size());
        for (String never : List.of("not-allowed", "broker-off", "broker-off-v1")) {
            assertFalse(cluster.everyImage(i -> i.topic(never).isPresent()), never + " was not created");
        }
    }

    @Test
    void createTopicsWithoutCountsTakesTheBrokerDefaultsAndCreatePartitionsMustGrow() throws Exception {
        admin.createTopics(List.of(new NewTopic("defaults", Optional.empty(), Optional.empty())))
                .all().get(TIMEOUT_S, TimeUnit.SECONDS); // -1 / -1 on the wire
        await("defaults led", 60, () -> cluster.ready("defaults", NUM_PARTITIONS));
        TopicDescription d = admin.describeTopics(List.of("defaults")).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS)
                .get("defaults");
        assertEquals(NUM_PARTITIONS, d.partitions().size(), "num.partitions");
        assertEquals(3, d.partitions().get(0).replicas().size(), "default.replication.factor");

        for (int count : new int[] {NUM_PARTITIONS, NUM_PARTITIONS - 1}) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> admin.createPartitions(
                    Map.of("defaults", NewPartitions.increaseTo(count))).all().get(TIMEOUT_S, TimeUnit.SECONDS));
            assertInstanceOf(InvalidPartitionsException.class, e.getCause(), "to " + count + " partitions");
        }
        assertEquals(NUM_PARTITIONS, cluster.image().topic("defaults").orElseThrow().partitions().size());
    }
}
