package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kayak.broker.TestPorts;
import io.kayak.broker.config.KayakConfig;
import io.kayak.broker.replica.ReplicatedCluster;
import io.kayak.broker.storage.MetaProperties;
import io.kayak.metadata.quorum.Voter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code quorum describe|transfer-leader|add-voter|remove-voter} against three in-process nodes and a fourth that
 * starts outside {@code controller.quorum.voters} (so it joins as a listener), through the nodes' HTTP admin ports.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuorumCommandTest extends ClusterCliTest {
    /** Metadata log entries a member may be behind and still count as caught up here. */
    static final long CAUGHT_UP_LAG = 100;

    @BeforeAll
    static void start() throws Exception {
        startCluster(Map.of("kayak.http.port", "0"));
    }

    static String http(int node) {
        return "127.0.0.1:" + cluster.servers.get(node).httpPort();
    }

    static Cli.Result quorum(int via, String... args) {
        List<String> all = new ArrayList<>(List.of("quorum"));
        all.addAll(List.of(args));
        all.add("--http-server");
        all.add(http(via));
        return Cli.run(all.toArray(String[]::new));
    }

    static JsonNode describe(int via) {
        Cli.Result r = quorum(via, "describe", "--json");
        assertEquals(0, r.exit(), r::toString);
        return r.json();
    }

    /** "nodeId:role" of every member, as node {@code via} reports them. */
    static List<String> members(int via) {
        List<String> out = new ArrayList<>();
        describe(via).get("voters").forEach(v -> out.add(v.get("nodeId").asInt() + ":" + v.get("role").asText()));
        return out;
    }

    static int leader(int via) {
        return describe(via).get("leaderId").asInt();
    }

    /**
     * Whether every member answers and is close behind the leader; not exactly level, since the brokers' heartbeats
     * append to the metadata log several times a second.
     */
    static boolean allCaughtUp(int via) {
        return allCaughtUp(describe(via));
    }

    static boolean allCaughtUp(JsonNode quorum) {
        for (JsonNode v : quorum.get("voters")) {
            if (v.get("lag").asLong() < 0 || v.get("lag").asLong() > CAUGHT_UP_LAG) {
                return false;
            }
        }
        return true;
    }

    @Test
    @Order(1)
    void transferLeaderMovesLeadershipAndDescribeShowsIt() {
        int before = leader(1);
        int to = before == 3 ? 2 : 3;
        Cli.Result moved = quorum(1, "transfer-leader", "--to", Integer.toString(to));
        assertEquals(0, moved.exit(), moved::toString);
        assertTrue(moved.out().startsWith("Node " + to + " leads the metadata quorum.\n"), moved::toString);
        ReplicatedCluster.await("node " + to + " leads the quorum", 30, () -> leader(1) == to && leader(2) == to);
        Cli.Result json = quorum(2, "transfer-leader", "--to", Integer.toString(to), "--json");
        assertEquals(0, json.exit(), json::toString);
        assertEquals(to, json.json().get("leaderId").asInt(), json::toString);

        Cli.Result unknown = quorum(1, "transfer-leader", "--to", "9");
        assertEquals(1, unknown.exit(), unknown::toString);
        assertTrue(unknown.err().contains("node 9 is not a voter of the metadata quorum (voters: [1, 2, 3])"), unknown::toString);
        assertEquals(2, quorum(1, "transfer-leader").exit());
        assertEquals(2, quorum(1, "transfer-leader", "--to", "two").exit());
    }

    @Test
    @Order(2)
    void aFourthNodeJoinsAsAListenerIsAddedAsAVoterAndRemovedAgain() throws Exception {
        String metadataAddress = "127.0.0.1:" + TestPorts.free();
        startFourthNode(dir.resolve("node-4-conf"), metadataAddress);
        ReplicatedCluster.await("node 4 listed as a listener", 60, () -> members(1).contains("4:listener"));

        Cli.Result added = quorum(2, "add-voter", "--node-id", "4", "--endpoint", metadataAddress);
        assertEquals(0, added.exit(), added::toString);
        assertTrue(added.out().startsWith("Node 4 is a voter.\n"), added::toString);
        ReplicatedCluster.await("four voters", 30, () -> members(1).stream().filter(m -> !m.endsWith(":listener")).count() == 4
                && allCaughtUp(1));
        Cli.Result again = quorum(1, "add-voter", "--node-id", "4", "--endpoint", metadataAddress);
        assertEquals(1, again.exit(), again::toString);
        assertTrue(again.err().contains("node 4 is already a voter"), again::toString);

        Cli.Result removed = quorum(1, "remove-voter", "--node-id", "4", "--json");
        assertEquals(0, removed.exit(), removed::toString);
        ReplicatedCluster.await("node 4 back to a listener", 30, () -> members(1).contains("4:listener")
                && members(1).stream().filter(m -> !m.endsWith(":listener")).count() == 3);
        // Still a listener: node 4 keeps applying metadata, e.g. a topic created afterwards.
        ok("topics", "create", "--topic", "after-removal", "--partitions", "1", "--replication-factor", "1");
        ReplicatedCluster.await("node 4 sees the new topic", 30,
                () -> cluster.servers.get(4).metadata().image().topic("after-removal").isPresent());
    }

    @Test
    @Order(3)
    void removingAVoterIsRefusedWithoutALiveMajorityAndARemovedVoterIsAddedBack() throws Exception {
        ReplicatedCluster.await("voters caught up", 30, () -> allCaughtUp(1));
        int leader = leader(1);
        int stopped = leader == 3 ? 2 : 3;
        int other = List.of(1, 2, 3).stream().filter(n -> n != leader && n != stopped).findFirst().orElseThrow();
        String stoppedAddress = cluster.configs.get(stopped).metadataConfig().self().address();
        cluster.stop(stopped);
        ReplicatedCluster.await("node " + stopped + " not live", 30, () -> {
            long contactMs = lastContact(leader, stopped);
            return contactMs < 0 || contactMs > 3_000;
        });

        Cli.Result refused = quorum(leader, "remove-voter", "--node-id", Integer.toString(other));
        assertEquals(1, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("removing node " + other + " would leave voters"), refused::toString);
        assertTrue(refused.err().contains("a majority (2) must be live"), refused::toString);
        assertEquals(3, describe(leader).get("voters").size() - listenerCount(leader), "nothing changed");

        Cli.Result removed = quorum(leader, "remove-voter", "--node-id", Integer.toString(stopped));
        assertEquals(0, removed.exit(), removed::toString);
        ReplicatedCluster.await("node " + stopped + " a listener", 30, () -> members(leader).contains(stopped + ":listener"));

        cluster.start(stopped);
        Cli.Result added = quorum(other, "add-voter", "--node-id", Integer.toString(stopped), "--endpoint", stoppedAddress);
        assertEquals(0, added.exit(), added::toString);
        awaitQuorum("node " + stopped + " a voter again, caught up", leader, q -> q.toString().contains("{\"nodeId\":" + stopped
                + ",\"role\":\"follower\"") && allCaughtUp(q));
        Cli.Result table = quorum(stopped, "describe");
        assertEquals(0, table.exit(), table::toString);
        assertTrue(table.out().lines().anyMatch(l -> l.matches(stopped + "\\s+(follower|leader)\\s+\\d+\\s+\\d+\\s+\\d+")), table::toString);
    }

    @Test
    @Order(4)
    void changesArePostOnlyAndTheViewsStayGetOnly() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        String base = "http://" + http(1);
        java.net.http.HttpResponse<String> get = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/admin/quorum/remove-voter?nodeId=1")).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode(), get::body);
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        java.net.http.HttpResponse<String> post = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/admin/quorum")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode(), post::body);
        java.net.http.HttpResponse<String> badId = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/admin/quorum/remove-voter?nodeId=x")).POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(400, badId.statusCode(), badId::body);
        Cli.Result badEndpoint = quorum(1, "add-voter", "--node-id", "5", "--endpoint", "nowhere");
        assertEquals(2, badEndpoint.exit(), badEndpoint::toString);
        assertTrue(badEndpoint.err().contains("--endpoint must be HOST:PORT"), badEndpoint::toString);
    }

    /** Polls {@code quorum describe} on node {@code via} until the condition holds; a timeout shows the last answer. */
    static void awaitQuorum(String what, int via, java.util.function.Predicate<JsonNode> condition) {
        java.util.concurrent.atomic.AtomicReference<String> last = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            ReplicatedCluster.await(what, 60, () -> {
                JsonNode q = describe(via);
                last.set(q.toString());
                return condition.test(q);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last quorum: " + last.get(), e);
        }
    }

    private static long lastContact(int via, int node) {
        for (JsonNode v : describe(via).get("voters")) {
            if (v.get("nodeId").asInt() == node) {
                return v.get("lastContactMs").asLong();
            }
        }
        return -1;
    }

    private static int listenerCount(int via) {
        return (int) members(via).stream().filter(m -> m.endsWith(":listener")).count();
    }

    /** Starts node 4 of the same cluster with the voters of the others, so that it joins as a listener. */
    private static void startFourthNode(Path tmp, String metadataAddress) throws Exception {
        String voters = cluster.configs.get(1).metadataConfig().voters().stream().map(Voter::toString)
                .collect(Collectors.joining(","));
        Map<String, String> p = new HashMap<>();
        p.put("node.id", "4");
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + TestPorts.free());
        p.put("controller.quorum.voters", voters);
        p.put("kayak.metadata.listener.address", metadataAddress);
        p.put("log.dirs", "node-4");
        p.put("broker.heartbeat.interval.ms", "200");
        p.put("broker.session.timeout.ms", "1500");
        p.put("kayak.replication.listener", "127.0.0.1:" + TestPorts.free());
        p.put("kayak.http.port", "0");
        Files.createDirectories(tmp);
        KayakConfig c = KayakConfig.of(tmp.resolve("server-4.properties"), p);
        MetaProperties.format(c, cluster.servers.get(1).clusterId());
        cluster.configs.put(4, c);
        cluster.start(4);
    }
}
