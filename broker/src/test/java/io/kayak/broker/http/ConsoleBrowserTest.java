package io.kayak.broker.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kayak.broker.KayakServer;
import io.kayak.broker.replica.ReplicatedCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
 * The web console in a real browser: Debian's headless Chromium (installed by .ci/run) loads a node's
 * {@code /console/}, runs its JavaScript against the JSON endpoints, and the rendered page is read back with
 * {@code --dump-dom}. The page shows the topic and the group the test made, with the lag the test caused; after the
 * node leading a partition is killed, the page shows the new leader. Screenshots are kept in
 * {@code target/console-screenshots/}.
 */
@Tag("system")
class ConsoleBrowserTest {
    static final String TOPIC = "console-topic";
    static final String GROUP = "console-group";
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    @TempDir
    Path tmp;
    ReplicatedCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theConsoleShowsTopicsGroupLagAndALeaderChange() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of("kayak.http.port", "0", "kayak.metrics.lag.interval.ms", "200"));
        cluster.createTopic(TOPIC, 3, 3, Map.of());
        produce(900);
        Map<Integer, Long> expectedLag = commitBehind(10);

        TopicPartition p0 = new TopicPartition(TOPIC, 0);
        int oldLeader = cluster.partition(TOPIC, 0).orElseThrow().leader();
        int consoleNode = cluster.servers.keySet().stream().filter(id -> id != oldLeader).findFirst().orElseThrow();
        KayakServer console = cluster.servers.get(consoleNode);
        String url = "http://127.0.0.1:" + console.httpPort() + "/console/";

        AtomicReference<String> dom = new AtomicReference<>("");
        ReplicatedCluster.await("the console lists " + TOPIC + " and the lag of " + GROUP + " " + expectedLag, 90, () -> {
            dom.set(dumpDom(url));
            for (Map.Entry<Integer, Long> e : expectedLag.entrySet()) {
                if (!String.valueOf(e.getValue()).equals(groupCell(dom.get(), e.getKey(), "lag"))) {
                    return false;
                }
            }
            return leaderCell(dom.get(), 0) != null && dom.get().contains("data-group=\"" + GROUP + "\"");
        });
        assertTrue(dom.get().contains("data-node=\"1\"") && dom.get().contains("data-node=\"3\""), "the brokers are listed");
        assertFalse(dom.get().contains("admin-control"), "no admin controls while kayak.console.admin.enable is false");
        assertTrue(dom.get().contains(">read-only</span>"), "the page says it is read-only");
        screenshot(url, SCREENSHOTS.resolve("1-topic-and-group-lag.png"));
        assertTrue(String.valueOf(oldLeader).equals(leaderCell(dom.get(), 0)), "partition 0 shows leader " + oldLeader);

        cluster.crash(oldLeader);
        ReplicatedCluster.await("the console shows a new leader for " + p0 + " after node " + oldLeader + " died", 90, () -> {
            dom.set(dumpDom(url));
            String leader = leaderCell(dom.get(), 0);
            return leader != null && !leader.equals(String.valueOf(oldLeader)) && !leader.equals("none");
        });
        assertNotEquals(String.valueOf(oldLeader), leaderCell(dom.get(), 0));
        screenshot(url, SCREENSHOTS.resolve("2-leader-changed.png"));
    }

    /** With {@code kayak.console.admin.enable=true} the same page draws the admin controls, and no read-only badge. */
    @Test
    void withAdminEnabledThePageDrawsTheAdminControls() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of("kayak.http.port", "0", "kayak.console.admin.enable", "true"));
        cluster.createTopic(TOPIC, 3, 3, Map.of());
        produce(30);
        commitBehind(1);
        String url = "http://127.0.0.1:" + cluster.servers.get(1).httpPort() + "/console/";
        AtomicReference<String> dom = new AtomicReference<>("");
        ReplicatedCluster.await("the console draws the admin controls for " + TOPIC + " and " + GROUP, 90, () -> {
            dom.set(dumpDom(url));
            return dom.get().contains("data-group=\"" + GROUP + "\"") && dom.get().contains("data-action=\"delete\"");
        });
        screenshot(url, SCREENSHOTS.resolve("3-admin-enabled.png"));
        for (String control : List.of("id=\"create-topic\"", "data-action=\"elect\"", "reset offsets to earliest",
                "reset offsets to latest", ">admin actions enabled</span>")) {
            assertTrue(dom.get().contains(control), "the page has " + control);
        }
        assertFalse(dom.get().contains(">read-only</span>"), "no read-only badge");
    }

    void produce(int count) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 3, "k" + i, "value-" + i));
            }
            producer.flush();
        }
    }

    /** A real consumer in the group commits {@code offset} on every partition; returns the lag each should show. */
    Map<Integer, Long> commitBehind(long offset) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2));
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            Map<Integer, Long> lag = new HashMap<>();
            for (TopicPartition tp : parts) {
                commits.put(tp, new OffsetAndMetadata(offset));
                lag.put(tp.partition(), ends.get(tp) - offset);
            }
            consumer.commitSync(commits);
            return lag;
        }
    }

    static String leaderCell(String dom, int partition) {
        Matcher m = Pattern.compile("<tr data-topic=\"" + TOPIC + "\" data-partition=\"" + partition
                + "\">.*?<td class=\"leader[^\"]*\">([^<]*)</td>").matcher(dom);
        return m.find() ? m.group(1) : null;
    }

    static String groupCell(String dom, int partition, String cellClass) {
        Matcher m = Pattern.compile("<tr data-group=\"" + GROUP + "\" data-topic=\"" + TOPIC + "\" data-partition=\"" + partition
                + "\">.*?<td class=\"" + cellClass + "( [^\"]*)?\">([^<]*)</td>").matcher(dom);
        return m.find() ? m.group(2) : null;
    }

    /** The rendered page; the last one is kept beside the screenshots, to see what a failed wait saw. */
    String dumpDom(String url) {
        try {
            String dom = new String(chromium(List.of("--dump-dom", url)), StandardCharsets.UTF_8);
            Files.createDirectories(SCREENSHOTS);
            Files.writeString(SCREENSHOTS.resolve("last-dom.html"), dom);
            return dom;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void screenshot(String url, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        chromium(List.of("--screenshot=" + file.toAbsolutePath(), "--window-size=1400,1400", url));
        assertTrue(Files.size(file) > 0, "screenshot " + file + " written");
    }

    /** Runs headless Chromium once with a fresh profile; the page gets a few seconds of virtual time to fetch and draw. */
    byte[] chromium(List<String> args) throws IOException {
        Path profile = Files.createTempDirectory(tmp, "chromium");
        List<String> cmd = new java.util.ArrayList<>(List.of(chromiumBinary(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("chromium-" + System.nanoTime() + ".log").toFile()).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                fail("chromium did not finish within 60 s");
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            p.destroyForcibly();
        }
    }

    static String chromiumBinary() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        fail("headless Chromium is not installed: .ci/run installs Debian's chromium (apt-get install chromium)");
        return null;
    }
}
