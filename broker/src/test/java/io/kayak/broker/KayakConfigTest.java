package io.kayak.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.config.KayakConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KayakConfigTest {
    @TempDir
    Path tmp;

    private Map<String, String> minimal() {
        Map<String, String> p = new HashMap<>();
        p.put("node.id", "2");
        p.put("listeners", "PLAINTEXT://127.0.0.1:9093");
        p.put("controller.quorum.voters", "1@127.0.0.1:9192,2@127.0.0.1:9193,3@127.0.0.1:9194");
        p.put("log.dirs", "data/a, /abs/b");
        return p;
    }

    private String failure(Map<String, String> props) {
        return assertThrows(IllegalArgumentException.class, () -> KayakConfig.of(tmp.resolve("server.properties"), props))
                .getMessage();
    }

    @Test
    void defaultsAndRelativePathsResolveAgainstTheFile() {
        KayakConfig c = KayakConfig.of(tmp.resolve("server.properties"), minimal());
        assertEquals(2, c.nodeId());
        assertEquals(tmp.resolve("data/a"), c.logDirs().get(0));
        assertEquals(Path.of("/abs/b"), c.logDirs().get(1));
        assertEquals(c.listeners(), c.advertisedListeners());
        assertEquals(tmp.resolve("data/a/.kayak-metadata"), c.metadataConfig().dir());
        assertEquals(9193, c.metadataConfig().self().port());
        assertEquals(1, c.numPartitions());
        assertEquals(-1, c.httpPort());
        assertEquals(9_000, c.sessionTimeoutMs());
    }

    @Test
    void brokerIdIsAnAliasAndMayNotContradictNodeId() {
        Map<String, String> p = minimal();
        p.remove("node.id");
        p.put("broker.id", "2");
        assertEquals(2, KayakConfig.of(tmp.resolve("s"), p).nodeId());
        p.put("node.id", "3");
        String m = failure(p);
        assertTrue(m.contains("node.id") && m.contains("broker.id"), m);
    }

    @Test
    void unknownKeysFailStartNamingThem() {
        Map<String, String> p = minimal();
        p.put("log.retention.hourz", "1");
        p.put("kayak.nope", "1");
        String m = failure(p);
        assertTrue(m.contains("kayak.nope") && m.contains("log.retention.hourz"), m);
    }

    @Test
    void contradictionsAndMalformedValuesAreRefused() {
        Map<String, String> p = minimal();
        p.put("broker.session.timeout.ms", "1000");
        p.put("broker.heartbeat.interval.ms", "2000");
        assertTrue(failure(p).contains("broker.session.timeout.ms"));

        Map<String, String> q = minimal();
        q.put("advertised.listeners", "EXTERNAL://h:1");
        assertTrue(failure(q).contains("advertised.listeners"));

        Map<String, String> r = minimal();
        r.put("listeners", "127.0.0.1:9092");
        assertTrue(failure(r).contains("NAME://host:port"));

        Map<String, String> s = minimal();
        s.put("node.id", "7");
        assertTrue(failure(s).contains("controller.quorum.voters"));

        Map<String, String> t = minimal();
        t.put("message.max.bytes", "2000000000");
        assertTrue(failure(t).contains("message.max.bytes"));

        Map<String, String> u = minimal();
        u.remove("log.dirs");
        assertTrue(failure(u).contains("log.dirs"));
    }

    @Test
    void replicationDefaultsAndConflicts() {
        KayakConfig c = KayakConfig.of(tmp.resolve("server.properties"), minimal());
        assertEquals("127.0.0.1:9393", c.replicationConfig().address());
        assertEquals(tmp.resolve("data/a/.kayak-replication"), c.replicationConfig().dir());
        assertEquals(30_000, c.replicationConfig().replicaLagTimeMaxMs());
        assertTrue(c.replicationConfig().autoLeaderRebalance());
        assertEquals(300_000, c.replicationConfig().leaderImbalanceCheckIntervalMs());
        assertEquals(3_000, c.replicationConfig().appendLingerUs());

        Map<String, String> p = minimal();
        p.put("kayak.replication.listener", "127.0.0.1:9093");
        assertTrue(failure(p).contains("is also listener PLAINTEXT"), failure(p));
        p.put("kayak.replication.listener", "127.0.0.1:9193");
        assertTrue(failure(p).contains("metadata quorum address"), failure(p));
        p.put("kayak.replication.listener", "no-port");
        assertTrue(failure(p).contains("kayak.replication.listener must be host:port"), failure(p));
        p.put("kayak.replication.listener", "127.0.0.1:9393");
        p.put("kayak.replication.election.timeout.max.ms", "700");
        assertTrue(failure(p).contains("kayak.replication.election.timeout.max.ms=700 must exceed"), failure(p));
        p.remove("kayak.replication.election.timeout.max.ms");
        p.put("replica.lag.time.max.ms", "100");
        assertTrue(failure(p).contains("replica.lag.time.max.ms=100 must exceed the heartbeat interval"), failure(p));
        p.put("replica.lag.time.max.ms", "5000");
        p.put("auto.leader.rebalance.enable", "sometimes");
        assertTrue(failure(p).contains("auto.leader.rebalance.enable must be true or false"), failure(p));
        p.put("auto.leader.rebalance.enable", "false");
        p.put("kayak.replication.append.linger.us", "-1");
        assertTrue(failure(p).contains("kayak.replication.append.linger.us must be between 0 and 100000; got -1"), failure(p));
        p.put("kayak.replication.append.linger.us", "3000000");
        assertTrue(failure(p).contains("kayak.replication.append.linger.us must be between 0 and 100000"), failure(p));
        p.put("kayak.replication.append.linger.us", "0");
        assertEquals(0, KayakConfig.of(tmp.resolve("server.properties"), p).replicationConfig().appendLingerUs());
        p.put("kayak.replication.dir", "raft");
        assertEquals(tmp.resolve("raft"), KayakConfig.of(tmp.resolve("server.properties"), p).replicationConfig().dir());
        assertFalse(KayakConfig.of(tmp.resolve("server.properties"), p).replicationConfig().autoLeaderRebalance());
    }
}
