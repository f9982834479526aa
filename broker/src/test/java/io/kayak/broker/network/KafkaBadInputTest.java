package io.kayak.broker.network;

import static io.kayak.broker.replica.ReplicatedCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.replica.ReplicatedCluster;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input against one three-node cluster, each test on its own topic: a produce request whose batch fails its CRC
 * is refused with CORRUPT_MESSAGE and stores nothing; garbage bytes, a frame over {@code socket.request.max.bytes} and
 * a truncated frame, each on its own raw socket to every node, close only that connection, while a real producer
 * and consumer on their own connections keep working and every node keeps serving.
 */
@Tag("integration")
class KafkaBadInputTest {
    private static final long TIMEOUT_S = 30;

    @TempDir
    static Path tmp;
    private static ReplicatedCluster cluster;

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = ReplicatedCluster.started(tmp, Map.of());
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int port(int node) {
        return cluster.servers.get(node).kafkaServers().get(0).port();
    }

    private static Socket connect(int node) throws IOException {
        Socket s = new Socket("127.0.0.1", port(node));
        s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        return s;
    }

    @Test
    void aBatchWithABadCrcIsRefusedAndOtherClientsKeepWorking() throws Exception {
        cluster.createTopic("guarded", 1, 3, Map.of());
        int leader = cluster.partition("guarded", 0).orElseThrow().leader();

        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord("intact?".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer corrupt = records.buffer().duplicate();
        int last = corrupt.limit() - 1;
        corrupt.put(last, (byte) (corrupt.get(last) ^ 0x5a)); // a flipped byte in the record, under the CRC
        ProduceRequestData produce = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData().setName("guarded");
        t.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.readableRecords(corrupt)));
        produce.topicData().add(t);
        try (Socket s = connect(leader)) {
            ProduceResponseData r = (ProduceResponseData) RawKafka.call(s, ApiKeys.PRODUCE, (short) 9, produce);
            assertEquals(Errors.CORRUPT_MESSAGE.code(),
                    r.responses().iterator().next().partitionResponses().get(0).errorCode());
        }

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            assertEquals(0, producer.send(new ProducerRecord<>("guarded", 0, null, "fine")).get(TIMEOUT_S, TimeUnit.SECONDS).offset(),
                    "the refused batch stored nothing; the next good one takes offset 0");
        }
    }

    @Test
    void malformedFramesCloseOnlyTheirConnectionWhileRealClientsKeepWorking() throws Exception {
        cluster.createTopic("steady", 3, 3, Map.of());
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> all = List.of(new TopicPartition("steady", 0), new TopicPartition("steady", 1),
                    new TopicPartition("steady", 2));
            consumer.assign(all);
            consumer.seekToBeginning(all);
            produce(producer, "before", 30);
            assertEquals(30, consume(consumer, 30).size());

            byte[] garbage = new byte[512];
            new Random(7).nextBytes(garbage);
            ByteBuffer.wrap(garbage).putInt(garbage.length - 4).putShort((short) 3333); // a whole frame, unknown API key
            byte[] http = "GET / HTTP/1.1\r\nHost: kayak\r\n\r\n".getBytes(StandardCharsets.US_ASCII); // size field 'GET '
            int requestMax = cluster.configs.get(1).socketRequestMaxBytes();
            for (int node : List.of(1, 2, 3)) {
                try (Socket s = connect(node)) {
                    s.getOutputStream().write(garbage);
                    assertTrue(RawKafka.closedByPeer(s), "random bytes close the connection to node " + node);
                }
                try (Socket s = connect(node)) {
                    s.getOutputStream().write(http);
                    assertTrue(RawKafka.closedByPeer(s), "an HTTP request closes the connection to node " + node);
                }
                try (Socket s = connect(node)) {
                    s.getOutputStream().write(ByteBuffer.allocate(8).putInt(requestMax + 1).putShort(ApiKeys.PRODUCE.id).array());
                    assertTrue(RawKafka.closedByPeer(s), "a frame over socket.request.max.bytes closes node " + node + "'s connection");
                }
                try (Socket s = connect(node)) { // a frame announced at 100 bytes, 12 sent, then the client goes away
                    s.getOutputStream().write(ByteBuffer.allocate(16).putInt(100).putShort(ApiKeys.METADATA.id)
                            .putShort((short) 12).putInt(1).array());
                }
                try (Socket s = connect(node)) {
                    ApiVersionsResponseData v = (ApiVersionsResponseData) RawKafka.call(s, ApiKeys.API_VERSIONS, (short) 3,
                            new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1"));
                    assertEquals(Errors.NONE.code(), v.errorCode(), "node " + node + " still serves new connections");
                }
            }

            produce(producer, "after", 30);
            List<ConsumerRecord<String, String>> after = consume(consumer, 30);
            assertEquals(30, after.size(), "the consumer's connections were not disturbed");
            assertTrue(after.stream().allMatch(r -> r.value().startsWith("after")));
            assertTrue(cluster.everyImage(i -> i.brokers().values().stream().noneMatch(b -> b.fenced())),
                    "every node kept its heartbeats going: none is fenced");
        }
    }

    private static void produce(KafkaProducer<String, String> producer, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>("steady", i % 3, null, prefix + i)).get(TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    private static List<ConsumerRecord<String, String>> consume(KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        await(count + " records consumed", TIMEOUT_S, () -> {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            return out.size() >= count;
        });
        return out;
    }
}
