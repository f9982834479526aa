package io.kayak.broker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.KayakServer;
import io.kayak.broker.replica.ReplicatedCluster;
import io.kayak.metadata.CommittedOffset;
import io.kayak.metadata.PartitionImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console's admin actions ({@code POST /api/admin/...}) on a running three-node cluster: refused with 403
 * and without effect by default; with {@code kayak.console.admin.enable=true} they create and delete a topic, reset a
 * real consumer group's offsets (refused while a consumer is a member, forwarded to the group's coordinator), elect
 * the preferred leader after a leadership transfer, and answer bad parameters with 4xx.
 */
@Tag("integration")
class ConsoleAdminTest {
    static final String TOPIC = "orders";
    static final String GROUP = "billing";
    static final int PER_PARTITION = 10;

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

    @Test
    void disabledByDefaultEveryActionIsForbiddenAndChangesNothing() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of("kayak.http.port", "0"));
        cluster.createTopic(TOPIC, 1, 3, Map.of());
        KayakServer node = cluster.servers.get(2);
        for (String action : List.of("/api/admin/topics/create?name=sneaky&partitions=1&replicationFactor=1",
                "/api/admin/topics/delete?name=" + TOPIC, "/api/admin/groups/reset-offsets?group=g&to=earliest",
                "/api/admin/partitions/elect-preferred?topic=" + TOPIC, "/api/admin/topics/create", "/api/admin/nope")) {
            HttpResponse<String> r = post(node, action);
            assertEquals(403, r.statusCode(), action + ": " + r.body());
            assertTrue(r.body().contains("kayak.console.admin.enable=false"), r.body());
        }
        assertEquals(405, get(node, "/api/admin/topics/create?name=x").statusCode(), "actions are POST only");
        Map<String, Object> view = HttpReplies.parseObject(get(node, "/api/cluster").body());
        assertEquals(Boolean.TRUE, view.get("readOnly"));
        assertEquals(Boolean.FALSE, view.get("consoleAdminEnabled"));
        assertEquals(List.of(), view.get("adminActions"));
        assertTrue(cluster.image().topic("sneaky").isEmpty(), "no topic was created");
        assertTrue(cluster.image().topic(TOPIC).isPresent(), "no topic was deleted");
    }

    @Test
    void enabledActionsCreateDeleteResetAndElect() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of("kayak.http.port", "0", "kayak.console.admin.enable", "true"));
        KayakServer node = cluster.servers.get(2);
        Map<String, Object> view = HttpReplies.parseObject(get(node, "/api/cluster").body());
        assertEquals(Boolean.FALSE, view.get("readOnly"));
        assertEquals(4, ((List<?>) view.get("adminActions")).size());

        badParameters(node);
        createAndDelete(node);

        cluster.createTopic(TOPIC, 3, 3, Map.of());
        produce();
        resetOffsets();
        electPreferred(node);
    }

    void badParameters(KayakServer node) throws Exception {
        Map<String, Integer> expected = new java.util.LinkedHashMap<>();
        expected.put("/api/admin/topics/create", 400);
        expected.put("/api/admin/topics/create?name=x&partitions=abc", 400);
        expected.put("/api/admin/topics/create?name=x&partitions=0", 400);
        expected.put("/api/admin/topics/create?name=x&replicationFactor=-3", 400);
        expected.put("/api/admin/topics/create?name=x&partitions=1&replicationFactor=4", 400);
        expected.put("/api/admin/topics/create?name=bad%2Fname&partitions=1", 400);
        expected.put("/api/admin/topics/delete", 400);
        expected.put("/api/admin/topics/delete?name=missing", 404);
        expected.put("/api/admin/groups/reset-offsets?group=g", 400);
        expected.put("/api/admin/groups/reset-offsets?group=g&to=sideways", 400);
        expected.put("/api/admin/groups/reset-offsets?group=g&to=earliest&topic=missing", 404);
        expected.put("/api/admin/partitions/elect-preferred", 400);
        expected.put("/api/admin/partitions/elect-preferred?topic=missing", 404);
        expected.put("/api/admin/nope", 404);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            HttpResponse<String> r = post(node, e.getKey());
            assertEquals(e.getValue(), r.statusCode(), e.getKey() + ": " + r.body());
            assertTrue(HttpReplies.parseObject(r.body()).get("error") instanceof String, "a JSON error for " + e.getKey());
        }
        assertTrue(cluster.image().topic("x").isEmpty(), "no bad request created a topic");
        assertEquals(414, post(node, "/api/admin/topics/create?name=" + "y".repeat(20_000)).statusCode());
    }

    void createAndDelete(KayakServer node) throws Exception {
        HttpResponse<String> created = post(node, "/api/admin/topics/create?name=console-made&partitions=2&replicationFactor=3");
        assertEquals(200, created.statusCode(), created.body());
        ReplicatedCluster.await("console-made in every image with 2 partitions of 3 replicas", 30, () -> cluster.everyImage(i ->
                i.topic("console-made").map(t -> t.partitions().size() == 2
                        && t.partitions().stream().allMatch(p -> p.replicas().size() == 3)).orElse(false)));
        KayakServer other = cluster.servers.get(3);
        ReplicatedCluster.await("console-made in /api/topics of node 3", 30, () -> getQuietly(other, "/api/topics").contains("\"console-made\""));
        HttpResponse<String> again = post(other, "/api/admin/topics/create?name=console-made&partitions=1");
        assertEquals(409, again.statusCode(), again.body());
        assertTrue(again.body().contains("console-made"), again.body());

        HttpResponse<String> deleted = post(other, "/api/admin/topics/delete?name=console-made");
        assertEquals(200, deleted.statusCode(), deleted.body());
        ReplicatedCluster.await("console-made gone from every image", 30, () -> cluster.everyImage(i -> i.topic("console-made").isEmpty()));
        ReplicatedCluster.await("console-made gone from /api/topics", 30, () -> !getQuietly(node, "/api/topics").contains("\"console-made\""));
    }

    void resetOffsets() throws Exception {
        int coordinator = cluster.servers.get(1).groupCoordinator().coordinator(GROUP);
        KayakServer elsewhere = cluster.servers.get(coordinator == 1 ? 2 : 1);
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(TOPIC));
            int read = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read < 3 * PER_PARTITION && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(3 * PER_PARTITION, read, "the consumer read every record");
            consumer.commitSync();
            HttpResponse<String> refused = post(elsewhere, "/api/admin/groups/reset-offsets?group=" + GROUP + "&to=earliest");
            assertEquals(409, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("member"), refused.body());
            assertEquals(PER_PARTITION, committed(0), "the refused reset changed nothing");
        }
        // The consumer left the group on close; asked of a node that does not coordinate it, the reset is forwarded.
        ReplicatedCluster.await(GROUP + " empty", 30, () ->
                cluster.servers.get(coordinator).groupCoordinator().describe(GROUP).state().equals("Empty"));
        HttpResponse<String> reset = post(elsewhere, "/api/admin/groups/reset-offsets?group=" + GROUP + "&to=earliest");
        assertEquals(200, reset.statusCode(), reset.body());
        assertEquals(coordinator, ((Number) HttpReplies.parseObject(reset.body()).get("coordinator")).intValue());
        ReplicatedCluster.await("every committed offset of " + GROUP + " back at 0", 30, () ->
                committed(0) == 0 && committed(1) == 0 && committed(2) == 0);
        ReplicatedCluster.await("/api/groups shows the lag of the reset", 30, () ->
                getQuietly(elsewhere, "/api/groups").contains("\"lagRecords\":" + 3 * PER_PARTITION));

        HttpResponse<String> latest = post(cluster.servers.get(coordinator), "/api/admin/groups/reset-offsets?group=" + GROUP
                + "&topic=" + TOPIC + "&to=latest");
        assertEquals(200, latest.statusCode(), latest.body());
        ReplicatedCluster.await("every committed offset of " + GROUP + " at the end", 30, () ->
                committed(0) == PER_PARTITION && committed(1) == PER_PARTITION && committed(2) == PER_PARTITION);
    }

    void electPreferred(KayakServer node) throws Exception {
        PartitionImage p0 = cluster.partition(TOPIC, 0).orElseThrow();
        int preferred = p0.replicas().get(0);
        // Away from the preferred replica (and from the current leader, so that the transfer really moves it).
        int other = p0.replicas().stream().filter(r -> r != preferred && r != p0.leader()).findFirst().orElseThrow();
        assertTrue(node.replicaManager().transferLeadership(new io.kayak.metadata.TopicPartition(TOPIC, 0), other, 10_000)
                .get(30, TimeUnit.SECONDS), "leadership moved to " + other);
        ReplicatedCluster.await("partition 0 led by " + other + " in every image", 30, () ->
                cluster.everyImage(i -> i.topic(TOPIC).orElseThrow().partitions().get(0).leader() == other));

        HttpResponse<String> elected = post(node, "/api/admin/partitions/elect-preferred?topic=" + TOPIC);
        assertEquals(200, elected.statusCode(), elected.body());
        assertTrue(elected.body().contains("{\"partition\":0,\"result\":\"ELECTED\"}")
                || elected.body().contains("{\"result\":\"ELECTED\",\"partition\":0}"), elected.body());
        assertFalse(elected.body().contains("NOT_AVAILABLE"), elected.body());
        ReplicatedCluster.await("partition 0 led by its preferred replica " + preferred + " again", 30, () ->
                cluster.everyImage(i -> i.topic(TOPIC).orElseThrow().partitions().get(0).leader() == preferred));
        assertEquals(400, post(node, "/api/admin/partitions/elect-preferred?topic=" + TOPIC + "&partition=7").statusCode());
    }

    long committed(int partition) {
        CommittedOffset o = cluster.image().offsets(GROUP).get(new io.kayak.metadata.TopicPartition(TOPIC, partition));
        return o == null ? -1 : o.offset();
    }

    void produce() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 3 * PER_PARTITION; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 3, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    HttpResponse<String> post(KayakServer node, String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(KayakServer node, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String getQuietly(KayakServer node, String path) {
        try {
            return get(node, path).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
