package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kayak.broker.replica.ReplicatedCluster;
import io.kayak.metadata.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code partitions describe} (the Raft detail of each partition's group, from its leader node's HTTP admin port)
 * and {@code partitions elect-leaders} against three in-process nodes. Automatic leader rebalancing is off so
 * that only the command hands leadership back.
 */
@Tag("integration")
class PartitionsCommandTest extends ClusterCliTest {
    @BeforeAll
    static void start() throws Exception {
        startCluster(Map.of("kayak.http.port", "0", "auto.leader.rebalance.enable", "false"));
    }

    static String http(int node) {
        return "127.0.0.1:" + cluster.servers.get(node).httpPort();
    }

    static Cli.Result describe(int viaNode, String topic, String... more) {
        List<String> args = new ArrayList<>(List.of("partitions", "describe", "--topic", topic, "--http-server", http(viaNode)));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void describeShowsEachGroupAsItsLeaderSeesItAskedThroughAnyNode() throws Exception {
        ok("topics", "create", "--topic", "raft", "--partitions", "2", "--replication-factor", "3");
        awaitDescribed("raft", t -> t.get("partitions").get(0).get("isr").size() == 3 && t.get("partitions").get(1).get("isr").size() == 3);
        produce("raft", 0, 5);
        int leader0 = describeTopic("raft").get("partitions").get(0).get("leader").asInt();
        int other = leader0 == 1 ? 2 : 1;
        // Asked through a node that does not lead partition 0: the detail still comes from partition 0's leader.
        ReplicatedCluster.await("followers of raft-0 caught up", 30, () -> {
            Cli.Result r = describe(other, "raft", "--json");
            if (r.exit() != 0) {
                return false;
            }
            JsonNode p0 = r.json().get("partitions").get(0);
            return p0.get("replicas").size() == 3 && allCaughtUp(p0);
        });
        JsonNode json = describe(other, "raft", "--json").json();
        assertEquals("raft", json.get("topic").asText());
        assertEquals(2, json.get("partitions").size());
        for (JsonNode p : json.get("partitions")) {
            assertTrue(p.get("term").asLong() >= 1, p::toString);
            assertTrue(p.get("appliedIndex").asLong() <= p.get("commitIndex").asLong(), p::toString);
            assertTrue(p.get("commitIndex").asLong() <= p.get("lastLogIndex").asLong(), p::toString);
            int roles = 0;
            for (JsonNode r : p.get("replicas")) {
                roles += r.get("role").asText().equals("leader") ? 1 : 0;
                assertTrue(r.get("lastContactMs").asLong() >= 0, p::toString);
            }
            assertEquals(1, roles, p::toString);
        }
        JsonNode p0 = json.get("partitions").get(0);
        assertEquals(leader0, p0.get("leader").asInt(), p0::toString);
        // Five records went to partition 0 after its leader's first entry: its log has at least six entries.
        assertTrue(p0.get("commitIndex").asLong() >= 5, p0::toString);

        Cli.Result table = describe(leader0, "raft");
        assertEquals(0, table.exit(), table::toString);
        assertTrue(table.out().startsWith("Topic: raft  TopicId: " + json.get("topicId").asText() + "  Partitions: 2\n"), table::toString);
        assertTrue(table.out().contains("PARTITION  LEADER  TERM  COMMIT-INDEX  APPLIED-INDEX  REPLICA  ROLE      MATCH-INDEX  LAG"
                + "  LAST-CONTACT-MS  IN-ISR"), table::toString);
        assertEquals(2 + 2 * 3, table.out().lines().count(), table::toString);
        assertTrue(table.out().lines().anyMatch(l -> l.matches("0\\s+" + leader0 + "\\s+\\d+\\s+\\d+\\s+\\d+\\s+" + leader0
                + "\\s+leader\\s+\\d+\\s+0\\s+0\\s+true")), table::toString);
    }

    private static boolean allCaughtUp(JsonNode partition) {
        for (JsonNode r : partition.get("replicas")) {
            if (r.get("lag").isNull() || r.get("lag").asLong() != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void electLeadersHandsLeadershipBackToThePreferredReplica() throws Exception {
        ok("topics", "create", "--topic", "pref", "--replica-assignment", "1:2:3,2:3:1");
        awaitDescribed("pref", t -> t.get("partitions").get(0).get("isr").size() == 3 && t.get("partitions").get(1).get("isr").size() == 3);
        // Replicas have equal Raft priorities, so any of them may have won the first election: make sure node 1 does not lead.
        if (describeTopic("pref").get("partitions").get(0).get("leader").asInt() == 1) {
            TopicPartition tp = new TopicPartition("pref", 0);
            assertTrue(cluster.servers.get(1).replicaManager().transferLeadership(tp, 3, 10_000).get(30, TimeUnit.SECONDS));
        }
        awaitDescribed("pref", t -> t.get("partitions").get(0).get("leader").asInt() != 1
                && t.get("partitions").get(0).get("isr").size() == 3);

        JsonNode elected = ok("partitions", "elect-leaders", "--topic", "pref", "--partition", "0", "--json").json();
        assertEquals("{\"partitions\":[{\"topic\":\"pref\",\"partition\":0,\"result\":\"elected\",\"message\":null}]}", elected.toString());
        awaitDescribed("pref", t -> t.get("partitions").get(0).get("leader").asInt() == 1);

        Cli.Result again = ok("partitions", "elect-leaders", "--topic", "pref");
        assertTrue(again.out().contains("TOPIC  PARTITION  RESULT"), again::toString);
        assertTrue(again.out().lines().anyMatch(l -> l.matches("pref\\s+0\\s+already-preferred\\s+-")), again::toString);
        ok("partitions", "elect-leaders");
    }

    @Test
    void wrongInputToPartitionsCommands() throws Exception {
        Cli.Result unknown = describe(1, "no-such-topic");
        assertEquals(1, unknown.exit(), unknown::toString);
        assertTrue(unknown.err().contains("topic no-such-topic does not exist"), unknown::toString);
        String nobody = "127.0.0.1:" + io.kayak.broker.TestPorts.free();
        Cli.Result unreachable = Cli.run("partitions", "describe", "--topic", "x", "--http-server", nobody);
        assertEquals(1, unreachable.exit(), unreachable::toString);
        assertTrue(unreachable.err().contains("cannot reach a Kayak node's HTTP admin port at " + nobody), unreachable::toString);
        assertEquals(2, Cli.run("partitions", "describe").exit());
        failed(1, "the topic or partition does not exist", "partitions", "elect-leaders", "--topic", "no-such-topic");
        ok("topics", "create", "--topic", "one", "--partitions", "1", "--replication-factor", "1");
        failed(1, "topic one has no partition 4 (it has partitions 0 to 0)", "partitions", "elect-leaders", "--topic", "one",
                "--partition", "4");
        failed(2, "--partition needs --topic", "partitions", "elect-leaders", "--partition", "0");
    }
}
