package io.kayak.broker.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.replica.ReplicatedCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real Kafka Java producer (default settings: idempotence on, acks=all) and consumer (manual assignment)
 * against three in-process Kayak nodes: keyed records with headers and timestamps go through Produce,
 * InitProducerId, Metadata, ListOffsets and Fetch, and come back identical, in per-partition order, in the
 * partitions Kafka's own key hashing picks, for each compression codec.
 */
@Tag("integration")
class KafkaProduceConsumeTest extends ClusterTest {
    private static final int PARTITIONS = 6;
    private static final int RECORDS = 100_000;



    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void keyedRecordsComeBackIdenticalInOrderAndInKafkasPartitions(String compression) throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of());
        cluster.createTopic("events", PARTITIONS, 3, Map.of());

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        pp.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        Map<Integer, List<Integer>> sentOrder = new HashMap<>();
        long baseTs = System.currentTimeMillis() - 60_000;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("events", null, baseTs + i, key(i), value(i),
                        List.of(new RecordHeader("n", Integer.toString(i).getBytes(StandardCharsets.UTF_8))));
                acks.add(producer.send(r));
            }
            for (int i = 0; i < RECORDS; i++) {
                RecordMetadata md = acks.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(Utils.toPositive(Utils.murmur2(key(i))) % PARTITIONS, md.partition(),
                        "record " + i + " went to the partition Kafka's default partitioner picks");
                sentOrder.computeIfAbsent(md.partition(), p -> new ArrayList<>()).add(i);
            }
        }

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<Integer, List<Integer>> received = new HashMap<>();
        int count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                all.add(new TopicPartition("events", p));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (count < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    int i = Integer.parseInt(new String(r.headers().lastHeader("n").value(), StandardCharsets.UTF_8));
                    assertArrayEquals(key(i), r.key());
                    assertArrayEquals(value(i), r.value());
                    assertEquals(baseTs + i, r.timestamp());
                    assertNotNull(r.headers().lastHeader("n"));
                    received.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(i);
                    assertEquals(received.get(r.partition()).size() - 1, r.offset(), "dense offsets from 0");
                    count++;
                }
            }
            for (TopicPartition tp : all) {
                assertEquals(sentOrder.getOrDefault(tp.partition(), List.of()).size(),
                        consumer.endOffsets(List.of(tp)).get(tp).longValue(), "end offset of " + tp);
            }
        }
        assertEquals(RECORDS, count, "every record read back");
        assertEquals(sentOrder, received, "each partition holds its records once, in the order they were sent");
        assertTrue(received.size() > 1, "keys spread over partitions");
    }

    private static byte[] key(int i) {
        return ("key-" + (i % 997)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i) {
        return ("value-" + i + "-" + "x".repeat(i % 200)).getBytes(StandardCharsets.UTF_8);
    }
}
