package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kayak.broker.replica.ReplicatedCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;

/**
 * CLI tests against three in-process Kayak nodes (real Ratis, Netty, RocksDB; temp dirs, free ports), one cluster
 * per test class: a subclass starts it in its {@code @BeforeAll}; it is closed after the class.
 */
abstract class ClusterCliTest {
    static ReplicatedCluster cluster;
    static String bootstrap;
    /** The cluster's files; a test may put more nodes' files here, deleted with the rest. */
    static Path dir;

    static void startCluster(Map<String, String> extra) throws Exception {
        dir = Files.createTempDirectory("kayak-cli-test");
        cluster = ReplicatedCluster.started(dir, extra);
        bootstrap = cluster.bootstrap();
    }

    @AfterAll
    static void closeCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The command against the cluster, which must succeed. */
    static Cli.Result ok(String... args) {
        Cli.Result r = Cli.kafka(bootstrap, args);
        assertEquals(0, r.exit(), r::toString);
        return r;
    }

    /** The command against the cluster, which must exit with {@code exit}, saying {@code message} on stderr and nothing on stdout. */
    static Cli.Result failed(int exit, String message, String... args) {
        Cli.Result r = Cli.kafka(bootstrap, args);
        assertEquals(exit, r.exit(), r::toString);
        assertTrue(r.err().contains(message), () -> "expected '" + message + "' in " + r);
        assertEquals("", r.out(), r::toString);
        return r;
    }

    static void produce(String topic, int partition, int count) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, partition, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    static JsonNode describeTopic(String topic) {
        JsonNode topics = ok("topics", "describe", "--topic", topic, "--json").json().get("topics");
        assertEquals(1, topics.size(), topics::toString);
        return topics.get(0);
    }

    /** Polls {@code topics describe --json} until the topic satisfies the condition. */
    static void awaitDescribed(String topic, Predicate<JsonNode> condition) {
        ReplicatedCluster.await(topic + " described as expected", 60, () -> {
            Cli.Result r = Cli.kafka(bootstrap, "topics", "describe", "--topic", topic, "--json");
            return r.exit() == 0 && condition.test(r.json().get("topics").get(0));
        });
    }
}
