package io.kayak.broker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.KayakServer;
import io.kayak.broker.replica.ReplicatedCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a running three-node cluster under a real producer and consumer: the text parses with
 * Prometheus' own parser, the component, JVM, process and Ratis series are there, bytes in grows with produce
 * traffic, and the broker-side lag of a group appears when it falls behind and drains when it catches up.
 */
@Tag("integration")
class MetricsEndpointTest {
    static final String TOPIC = "metered";
    static final String GROUP = "lagging";
    static final int RECORDS = 3_000;

    @TempDir
    Path tmp;
    ReplicatedCluster cluster;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Map<String, String> settings() {
        return Map.of("kayak.http.port", "0", "kayak.metrics.lag.interval.ms", "200");
    }

    @Test
    void scrapesParseAndFollowProduceAndConsumerLag() throws Exception {
        cluster = ReplicatedCluster.started(tmp, settings());
        cluster.createTopic(TOPIC, 3, 3, Map.of());
        double bytesInBefore = sumOverNodes("kayak_replica_bytes_in_total", l -> true);

        PrometheusText one = scrape(cluster.servers.get(1));
        for (String series : List.of("jvm_memory_heap_used", "jvm_threads_count", "jvm_buffers_direct_used",
                "process_open_fds", "process_cpu_seconds", "kayak_replica_under_replicated_partitions",
                "kayak_replica_partition_count", "kayak_partition_log_end_offset")) {
            assertTrue(one.has(series), series + " is scraped");
        }
        assertTrue(one.samples().stream().anyMatch(s -> s.name().startsWith("jvm_gc_")), "GC series are scraped");
        ReplicatedCluster.await("Ratis metrics of the metadata and partition groups", 30, () -> {
            PrometheusText t = scrapeQuietly(cluster.servers.get(1));
            return t.samples().stream().anyMatch(s -> s.name().startsWith("kayak_ratis_") && "metadata".equals(s.labels().get("raft")))
                    && t.samples().stream().anyMatch(s -> s.name().startsWith("kayak_ratis_") && "partition".equals(s.labels().get("raft")));
        });
        assertEquals(3, one.named("kayak_partition_log_end_offset").stream().filter(s -> TOPIC.equals(s.labels().get("topic")))
                .map(s -> s.labels().get("partition")).distinct().count(), "per-partition series carry topic and partition labels");

        produce(RECORDS);
        double bytesInAfter = sumOverNodes("kayak_replica_bytes_in_total", l -> true);
        assertTrue(bytesInAfter >= bytesInBefore + RECORDS * 100, "bytes in grew from " + bytesInBefore + " to " + bytesInAfter);
        assertTrue(sumOverNodes("kayak_request_requests_total", l -> "Produce".equals(l.get("request"))) > 0,
                "Produce requests are counted by API");

        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> parts = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read < RECORDS / 3 && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            consumer.commitSync();
            long committed = 0;
            for (TopicPartition tp : parts) {
                committed += consumer.position(tp);
            }
            long expectedLag = RECORDS - committed;
            assertTrue(expectedLag > 0, "the consumer stopped short of the end");
            AtomicReference<String> last = new AtomicReference<>();
            ReplicatedCluster.await("lag of " + expectedLag + " records on the partitions' leaders", 30, () -> {
                double lag = sumOverNodesQuietly("kayak_group_lag_records", l -> GROUP.equals(l.get("group")));
                double seconds = sumOverNodesQuietly("kayak_group_lag_seconds", l -> GROUP.equals(l.get("group")));
                last.set(lag + " records, " + seconds + " s");
                return lag == expectedLag && seconds > 0;
            });

            while (read < RECORDS && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(RECORDS, read, "the consumer read every record");
            consumer.commitSync();
            ReplicatedCluster.await("the group's lag drained (last seen " + last.get() + ")", 30, () ->
                    sumOverNodesQuietly("kayak_group_lag_records", l -> GROUP.equals(l.get("group"))) == 0
                            && sumOverNodesQuietly("kayak_group_lag_seconds", l -> GROUP.equals(l.get("group"))) == 0
                            && countOverNodes("kayak_group_lag_records", l -> GROUP.equals(l.get("group"))) == 3);
        }
    }

    @Test
    void badRequestsGetClientErrorsAndReadinessFollowsTheNode() throws Exception {
        cluster = ReplicatedCluster.started(tmp, settings());
        KayakServer node = cluster.servers.get(2);
        ReplicatedCluster.await("node 2 ready", 60, () -> statusQuietly(node, "/ready") == 200);
        assertEquals(200, status(node, "/health"));
        assertEquals(404, status(node, "/nope"));
        assertEquals(404, status(node, "/metricsx"));
        assertEquals(404, status(node, "/metrics/x"));
        assertEquals(414, status(node, "/metrics?q=" + "x".repeat(20_000)));
        assertEquals(414, status(node, "/" + "y".repeat(50_000)));
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri(node, "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals(405, http.send(HttpRequest.newBuilder(uri(node, "/health")).DELETE().timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(200, status(node, "/metrics?name=x&y=%41%42"), "an odd query string on a known endpoint is ignored");
        assertEquals(200, status(node, "/metrics"), "the node still serves after bad requests");
    }

    @Test
    void readyOnlyOnceTheNodeJoinedAQuorumAndLoadedItsPartitions() throws Exception {
        cluster = new ReplicatedCluster(tmp, settings());
        cluster.start(1);
        KayakServer first = cluster.servers.get(1);
        HttpResponse<String> alone = http.send(HttpRequest.newBuilder(uri(first, "/ready")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, alone.statusCode(), "a node without a quorum is not ready");
        assertTrue(alone.body().contains("metadata quorum leader"), alone.body());
        assertEquals(200, status(first, "/health"), "but it is alive");
        cluster.start(2);
        cluster.start(3);
        ReplicatedCluster.await("node 1 ready once the quorum formed", 60, () -> statusQuietly(first, "/ready") == 200);
    }

    PrometheusText scrape(KayakServer node) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(node, "/metrics")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), "Prometheus text content type");
        return PrometheusText.parse(r.body());
    }

    PrometheusText scrapeQuietly(KayakServer node) {
        try {
            return scrape(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    double sumOverNodes(String name, java.util.function.Predicate<Map<String, String>> labels) throws Exception {
        double sum = 0;
        for (KayakServer s : cluster.servers.values()) {
            sum += scrape(s).sum(name, labels);
        }
        return sum;
    }

    double sumOverNodesQuietly(String name, java.util.function.Predicate<Map<String, String>> labels) {
        try {
            return sumOverNodes(name, labels);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    long countOverNodes(String name, java.util.function.Predicate<Map<String, String>> labels) {
        long n = 0;
        for (KayakServer s : cluster.servers.values()) {
            n += scrapeQuietly(s).named(name).stream().filter(x -> labels.test(x.labels())).count();
        }
        return n;
    }

    int status(KayakServer node, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(node, pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    int statusQuietly(KayakServer node, String pathAndQuery) {
        try {
            return status(node, pathAndQuery);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static URI uri(KayakServer node, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + node.httpPort() + pathAndQuery);
    }

    void produce(int count) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            String value = "v".repeat(100);
            for (int i = 0; i < count; i++) {
                sent.add(producer.send(new ProducerRecord<>(TOPIC, "k" + i, value)));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get();
            }
        }
    }

    KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}
