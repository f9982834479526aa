package io.kayak.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.replica.ReplicatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Group commit under real Kafka producers: two idempotent producers and one plain one, each keeping several small
 * requests in flight to one partition, so its leader puts waiting requests into shared entries. Every record's
 * acknowledged offset is where a consumer then finds it, the offsets are dense, each producer's records are in
 * send order, and the leader sent fewer entries than it appended requests.
 */
@Tag("integration")
class KafkaGroupCommitTest extends ClusterTest {
    private static final int PER_PRODUCER = 1_500;

    private static KafkaProducer<String, String> producer(String bootstrap, boolean idempotent) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotent));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "1024"); // about two records a batch: many requests in flight
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    @Test
    void coalescedRequestsGetTheOffsetsTheirRecordsHaveInTheLog() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of());
        cluster.createTopic("gc", 1, 3, Map.of());
        String bootstrap = cluster.bootstrap();
        String pad = "x".repeat(400);

        Map<Long, String> ackedAt = new ConcurrentHashMap<>();
        List<String> producers = List.of("a", "b", "plain");
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (String name : producers) {
            Thread t = new Thread(() -> {
                try (KafkaProducer<String, String> producer = producer(bootstrap, !name.equals("plain"))) {
                    List<Future<RecordMetadata>> sent = new ArrayList<>();
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        sent.add(producer.send(new ProducerRecord<>("gc", 0, null, name + "-" + i + "-" + pad)));
                    }
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        String previous = ackedAt.put(sent.get(i).get(60, TimeUnit.SECONDS).offset(), name + "-" + i + "-" + pad);
                        assertEquals(null, previous, "two records acknowledged at one offset");
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "producer-" + name);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(120));
        }
        assertEquals(List.of(), failures);
        int total = producers.size() * PER_PRODUCER;
        assertEquals(total, ackedAt.size());
        assertEquals(new TreeMap<>(ackedAt).lastKey(), total - 1L, "acknowledged offsets are dense from 0");

        Map<Long, String> read = new HashMap<>();
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("gc", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read.size() < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    read.put(r.offset(), r.value());
                }
            }
        }
        assertEquals(ackedAt, read, "every record sits at the offset its acknowledgement named");
        for (String name : producers) {
            int next = 0;
            for (String v : new TreeMap<>(read).values()) {
                if (v.startsWith(name + "-")) {
                    assertEquals(name + "-" + next++ + "-" + pad, v, "producer " + name + "'s records in send order");
                }
            }
            assertEquals(PER_PRODUCER, next);
        }

        long requests = 0;
        long entries = 0;
        for (var server : cluster.servers.values()) {
            requests += server.metricRegistry().meter("kayak.replica.appends").getCount();
            entries += server.metricRegistry().meter("kayak.replica.append-entries").getCount();
        }
        assertTrue(entries > 0 && requests > entries, "several requests shared entries: " + requests
                + " requests appended in " + entries + " entries");
    }
}
