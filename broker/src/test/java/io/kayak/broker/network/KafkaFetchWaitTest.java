package io.kayak.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kayak.broker.replica.ReplicatedCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fetch long polling as a consumer sees it: with nothing to read, each fetch is answered at
 * {@code fetch.max.wait.ms}; when a record is produced, the parked fetch answers at once, far sooner.
 */
@Tag("integration")
class KafkaFetchWaitTest extends ClusterTest {
    private static final int MAX_WAIT_MS = 4_000;

    @Test
    void aParkedFetchAnswersWhenARecordArrivesAndAtMaxWaitWhenNothingDoes() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of());
        cluster.createTopic("waits", 1, 3, Map.of());
        TopicPartition tp = new TopicPartition("waits", 0);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Integer.toString(MAX_WAIT_MS));
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer());
             KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            consumer.assign(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (metric(consumer, "fetch-total") < 4) {
                assertEquals(0, consumer.poll(Duration.ofMillis(200)).count());
                if (System.nanoTime() > deadline) {
                    fail("the consumer did not complete four fetches within 60 s");
                }
            }
            double idleMax = metric(consumer, "fetch-latency-max");
            double idleAvg = metric(consumer, "fetch-latency-avg");
            // One early answer (a metadata refresh right after start) may pull the average down; most must wait.
            assertTrue(idleMax >= MAX_WAIT_MS * 0.9 && idleMax < MAX_WAIT_MS + 2_000 && idleAvg >= MAX_WAIT_MS * 0.6,
                    "empty fetches take max_wait: avg " + idleAvg + " ms, max " + idleMax + " ms");

            for (int i = 0; i < 5; i++) {
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>("waits", 0, null, "r" + i)).get(30, TimeUnit.SECONDS);
                ConsumerRecords<String, String> got = ConsumerRecords.empty();
                while (got.isEmpty()) {
                    got = consumer.poll(Duration.ofMillis(50));
                    assertTrue(System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(30), "record " + i + " never arrived");
                }
                long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
                assertEquals("r" + i, got.iterator().next().value());
                assertTrue(latencyMs < MAX_WAIT_MS / 4, "record " + i + " took " + latencyMs + " ms from send to consumer;"
                        + " the parked fetch should answer on the append, not at max_wait " + MAX_WAIT_MS + " ms");
            }
        }
    }

    private static double metric(KafkaConsumer<?, ?> consumer, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("consumer-fetch-manager-metrics")
                    && !e.getKey().tags().containsKey("topic")) {
                Object v = e.getValue().metricValue();
                return v instanceof Double d && !d.isNaN() ? d : 0;
            }
        }
        return 0;
    }
}
