package io.kayak.metadata.quorum;

import static io.kayak.metadata.MetadataTestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.metadata.MetadataTestCluster;
import io.kayak.metadata.QuorumUnavailableException;
import io.kayak.metadata.record.AlterConfigsRecord;
import io.kayak.metadata.record.DeleteTopicRecord;
import io.kayak.metadata.record.RecordCodec;
import io.kayak.metadata.record.UnknownRecordException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot byte trigger, and a record version from the future stopping every node, also at restart. */
@Tag("integration")
class SnapshotAndVersionTest {
    @TempDir
    Path tmp;
    private MetadataTestCluster cluster;

    @AfterEach
    void tearDown() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aSnapshotIsTakenOnceEnoughRecordBytesWereApplied() throws IOException {
        cluster = new MetadataTestCluster(tmp, 3, 1_000_000, 4_096);
        MetadataNode leader = cluster.awaitLeader();
        for (MetadataNode n : cluster.nodes()) {
            assertEquals(-1, n.stateMachine().latestSnapshotIndex(), "no snapshot before any record");
        }
        long last = 0;
        for (int i = 0; i < 60; i++) {
            last = leader.client().propose(new AlterConfigsRecord(AlterConfigsRecord.Resource.CLUSTER, "",
                    Map.of("key-" + i, "x".repeat(100)))).index();
        }
        cluster.awaitApplied(last);
        await("every node to snapshot by size (the entry trigger is 1,000,000)",
                () -> cluster.nodes().stream().allMatch(n -> n.stateMachine().latestSnapshotIndex() > 0));
        for (MetadataNode n : cluster.nodes()) {
            assertTrue(n.stateMachine().bytesSinceSnapshot() < 4_096 + 200,
                    "the byte counter restarts at each snapshot on node " + n.nodeId());
        }
    }

    @Test
    void aRecordVersionFromTheFutureStopsEveryNodeAndIsRefusedAgainAtRestart() throws Exception {
        cluster = new MetadataTestCluster(tmp, 3, 1_000_000);
        MetadataNode leader = cluster.awaitLeader();
        long before = leader.client().propose(new AlterConfigsRecord(AlterConfigsRecord.Resource.CLUSTER, "", Map.of("a", "1")))
                .index();
        cluster.awaitApplied(before);

        byte[] future = RecordCodec.encode(new DeleteTopicRecord("orders"));
        future[1] = 99; // a version this build does not know
        byte[] body = ByteBuffer.allocate(Proposal.DEADLINE_BYTES + future.length)
                .putLong(System.currentTimeMillis() + 10_000).put(future).array();
        assertThrows(Exception.class, () -> {
            if (!leader.client().raftClient().io().send(Message.valueOf(ByteString.copyFrom(body))).isSuccess()) {
                throw new QuorumUnavailableException("refused", null);
            }
        });
        await("every node to stop on the unknown version", () -> cluster.nodes().stream()
                .allMatch(n -> n.stateMachine().fatalError() != null));
        for (MetadataNode n : cluster.nodes()) {
            UnknownRecordException e = (UnknownRecordException) n.stateMachine().fatalError();
            assertTrue(e.getMessage().contains("version 99") && e.getMessage().contains("Upgrade"), e.getMessage());
            assertEquals(before, n.image().appliedIndex(), "nothing after the unknown record is applied");
        }

        int id = leader.nodeId();
        cluster.stop(id);
        MetadataNode restarted = cluster.start(id);
        await("the restarted node to refuse the record again while replaying its log",
                () -> restarted.stateMachine().fatalError() != null);
        assertFalse(restarted.image().appliedIndex() > before);
    }
}
