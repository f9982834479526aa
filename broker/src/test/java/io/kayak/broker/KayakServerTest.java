package io.kayak.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kayak.broker.config.KayakConfig;
import io.kayak.broker.storage.MetaProperties;
import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.MetadataImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real nodes in this JVM: registration, fencing of a stopped node, unfencing on return, HTTP admin. */
@Tag("integration")
class KayakServerTest {
    @TempDir
    Path tmp;
    private final Map<Integer, KayakServer> servers = new TreeMap<>();
    private final Map<Integer, KayakConfig> configs = new HashMap<>();

    @AfterEach
    void tearDown() {
        servers.values().forEach(KayakServer::close);
    }

    private void configure() throws IOException {
        StringBuilder voters = new StringBuilder();
        for (int id = 1; id <= 3; id++) {
            voters.append(id == 1 ? "" : ",").append(id).append("@127.0.0.1:").append(TestPorts.free());
        }
        String clusterId = MetaProperties.newClusterId();
        for (int id = 1; id <= 3; id++) {
            Map<String, String> p = new HashMap<>();
            p.put("node.id", Integer.toString(id));
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + TestPorts.free());
            p.put("controller.quorum.voters", voters.toString());
            p.put("log.dirs", "node-" + id);
            p.put("kayak.http.port", Integer.toString(TestPorts.free()));
            p.put("kayak.replication.listener", "127.0.0.1:" + TestPorts.free());
            p.put("broker.heartbeat.interval.ms", "200");
            p.put("broker.session.timeout.ms", "1500");
            KayakConfig c = KayakConfig.of(tmp.resolve("server-" + id + ".properties"), p);
            MetaProperties.format(c, clusterId);
            configs.put(id, c);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private boolean everyImage(java.util.function.Predicate<MetadataImage> p) {
        return servers.values().stream().allMatch(s -> p.test(s.metadata().image()));
    }

    private static boolean fenced(MetadataImage image, int id) {
        return image.broker(id).map(BrokerRegistration::fenced).orElse(false);
    }

    @Test
    void nodesRegisterAndAStoppedNodeIsFencedUntilItReturns() throws Exception {
        configure();
        for (int id = 1; id <= 3; id++) {
            servers.put(id, KayakServer.start(configs.get(id)));
        }
        await("all three brokers registered and unfenced everywhere", () -> everyImage(i -> i.brokers().size() == 3
                && i.brokers().values().stream().noneMatch(BrokerRegistration::fenced)));

        servers.remove(3).close();
        await("node 3 fenced after its session timeout", () -> everyImage(i -> fenced(i, 3)));
        assertTrue(everyImage(i -> !fenced(i, 1) && !fenced(i, 2)), "live brokers stay unfenced");

        servers.put(3, KayakServer.start(configs.get(3)));
        await("node 3 unfenced after it re-registers", () -> everyImage(i -> i.brokers().size() == 3 && !fenced(i, 3)));

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + configs.get(2).httpPort();
        HttpResponse<String> quorum = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/quorum")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, quorum.statusCode());
        assertTrue(quorum.body().contains("\"clusterId\":\"" + servers.get(2).clusterId() + "\""), quorum.body());
        assertTrue(quorum.body().matches(".*\"leaderId\":[123],.*"), quorum.body());
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "/nope?" + "x".repeat(4000))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(base + "/admin/quorum"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aNodeRefusesToStartOnUnformattedStorage() throws Exception {
        configure();
        KayakConfig c = KayakConfig.of(tmp.resolve("other.properties"), Map.of(
                "node.id", "1", "listeners", "PLAINTEXT://127.0.0.1:1", "log.dirs", "unformatted",
                "controller.quorum.voters", "1@127.0.0.1:" + TestPorts.free()));
        IOException e = assertThrows(MetaProperties.StorageException.class, () -> KayakServer.start(c));
        assertTrue(e.getMessage().contains("storage format"), e.getMessage());
    }
}
