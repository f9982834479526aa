package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KayakAdminTest {
    @TempDir
    Path tmp;

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, KayakAdmin.execute());
        assertEquals(2, KayakAdmin.execute("nonsense"));
        assertEquals(2, KayakAdmin.execute("storage", "format"));
        assertEquals(0, KayakAdmin.execute("storage", "format", "--help"));
    }

    @Test
    void kafkaCommandsRefuseBadArgumentsWithTwoAndShowExamplesInTheirHelp() {
        for (String[] args : new String[][] {
                {"topics"}, {"topics", "frobnicate"}, {"topics", "create"}, {"topics", "create", "--topic", "t", "--config", "novalue"},
                {"topics", "describe", "--bogus"}, {"groups", "describe"}, {"groups", "reset-offsets", "--group", "g"},
                {"groups", "reset-offsets", "--group", "g", "--to-offset", "x"}, {"topics", "list", "--bootstrap-server"}}) {
            Cli.Result r = Cli.run(args);
            assertEquals(2, r.exit(), r::toString);
            assertTrue(!r.err().isBlank() && !r.err().contains("Exception") && r.out().isEmpty(), r::toString);
        }
        for (String[] args : new String[][] {{"topics", "create", "--help"}, {"topics", "describe", "--help"},
                {"topics", "alter", "--help"}, {"groups", "describe", "--help"}, {"groups", "reset-offsets", "--help"},
                {"cluster", "describe", "--help"}, {"produce", "--help"}, {"consume", "--help"}}) {
            Cli.Result r = Cli.run(args);
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("Examples:") && r.out().contains("--bootstrap-server"), r::toString);
        }
    }

    @Test
    void theRaftAndPerfCommandsShowExamplesInTheirHelp() {
        for (String[] args : new String[][] {{"partitions", "describe", "--help"}, {"quorum", "describe", "--help"},
                {"quorum", "transfer-leader", "--help"}, {"quorum", "add-voter", "--help"}, {"quorum", "remove-voter", "--help"}}) {
            Cli.Result r = Cli.run(args);
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("Examples:") && r.out().contains("--http-server") && r.out().contains("--json"), r::toString);
        }
        for (String[] args : new String[][] {{"partitions", "elect-leaders", "--help"}, {"perf", "produce", "--help"},
                {"perf", "consume", "--help"}}) {
            Cli.Result r = Cli.run(args);
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("Examples:") && r.out().contains("--bootstrap-server") && r.out().contains("--json"), r::toString);
        }
        for (String[] args : new String[][] {{"partitions"}, {"perf"}, {"perf", "produce", "--topic", "t"},
                {"quorum", "add-voter", "--node-id", "4"}, {"quorum", "remove-voter"}}) {
            Cli.Result r = Cli.run(args);
            assertEquals(2, r.exit(), r::toString);
            assertTrue(!r.err().isBlank() && !r.err().contains("Exception") && r.out().isEmpty(), r::toString);
        }
    }

    @Test
    void storageFormatWritesMetaPropertiesAndRefusesAnotherCluster() throws Exception {
        Path conf = tmp.resolve("server.properties");
        Files.writeString(conf, String.join("\n", "node.id=1", "listeners=PLAINTEXT://127.0.0.1:9092",
                "controller.quorum.voters=1@127.0.0.1:9192", "log.dirs=data"));
        assertEquals(0, KayakAdmin.execute("storage", "format", "--config", conf.toString(), "--cluster-id", "clusterAAAA"));
        String meta = Files.readString(tmp.resolve("data/meta.properties"));
        assertTrue(meta.contains("cluster.id=clusterAAAA") && meta.contains("node.id=1"), meta);
        assertEquals(1, KayakAdmin.execute("storage", "format", "--config", conf.toString(), "--cluster-id", "clusterBBBB"));
        assertEquals(1, KayakAdmin.execute("storage", "format", "--config", tmp.resolve("missing.properties").toString()));
    }

    @Test
    void quorumDescribeExplainsAnUnreachableNode() {
        Cli.Result r = Cli.run("quorum", "describe", "--http-server", "127.0.0.1:1");
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("cannot reach a Kayak node's HTTP admin port at 127.0.0.1:1"), r::toString);
    }

    @Test
    void quorumJsonRendersAsATable() {
        String table = QuorumCommand.table("{\"clusterId\":\"abc\",\"leaderId\":2,\"term\":5,\"commitIndex\":40,\"voters\":["
                + "{\"nodeId\":1,\"role\":\"follower\",\"lastLogIndex\":38,\"lag\":2,\"lastContactMs\":120},"
                + "{\"nodeId\":2,\"role\":\"leader\",\"lastLogIndex\":40,\"lag\":0,\"lastContactMs\":0}]}");
        assertTrue(table.contains("leaderId:     2"), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("1\\s+follower\\s+38\\s+2\\s+120")), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("2\\s+leader\\s+40\\s+0\\s+0")), table);
    }
}
