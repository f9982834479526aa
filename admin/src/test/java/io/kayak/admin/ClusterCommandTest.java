package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code cluster describe} against three in-process nodes. */
@Tag("integration")
class ClusterCommandTest extends ClusterCliTest {
    @BeforeAll
    static void start() throws Exception {
        startCluster(Map.of("group.initial.rebalance.delay.ms", "0"));
    }

    @Test
    void clusterDescribeCountsLeadersAndReplicasPerNode() {
        ok("topics", "create", "--topic", "spread", "--partitions", "3", "--replication-factor", "3");
        ok("topics", "create", "--topic", "single", "--replica-assignment", "2");
        awaitDescribed("spread", t -> t.get("partitions").findValues("leader").stream().noneMatch(JsonNode::isNull));
        awaitDescribed("single", t -> !t.get("partitions").get(0).get("leader").isNull());
        JsonNode c = ok("cluster", "describe", "--json").json();
        assertTrue(!c.get("clusterId").asText().isEmpty() && c.get("controller").asInt() >= 1 && c.get("controller").asInt() <= 3, c::toString);
        assertEquals(3, c.get("nodes").size(), c::toString);
        int leaders = 0;
        for (JsonNode n : c.get("nodes")) {
            assertTrue(n.get("alive").asBoolean() && n.get("host").asText().equals("127.0.0.1") && n.get("port").asInt() > 0, n::toString);
            assertEquals(n.get("node").asInt() == 2 ? 4 : 3, n.get("replicas").asInt(), c::toString);
            leaders += n.get("leaders").asInt();
        }
        assertEquals(4, leaders, c::toString);
        Cli.Result table = ok("cluster", "describe");
        assertTrue(table.out().startsWith("ClusterId: " + c.get("clusterId").asText() + "  Controller: "), table::toString);
        assertTrue(table.out().contains("NODE  HOST       PORT   RACK  ALIVE  LEADERS  REPLICAS"), table::toString);
        assertTrue(table.out().lines().anyMatch(l -> l.matches("2\\s+127.0.0.1\\s+\\d+\\s+-\\s+true\\s+\\d\\s+4")), table::toString);
    }
}
