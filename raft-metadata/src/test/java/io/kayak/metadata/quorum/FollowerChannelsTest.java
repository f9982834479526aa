package io.kayak.metadata.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kayak.metadata.MetadataTestCluster;
import io.kayak.metadata.record.AlterConfigsRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader renews its connection to a follower that stays silent, and only to that one, every period. */
@Tag("integration")
class FollowerChannelsTest {
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
    void aSilentFollowerGetsAFreshConnectionOncePerPeriodUntilItAnswers() throws IOException {
        cluster = new MetadataTestCluster(tmp, 3, 1_000);
        MetadataNode leader = cluster.awaitLeader();
        int stopped = cluster.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow().nodeId();
        AtomicLong now = new AtomicLong();
        // Well above the heartbeat interval (half the 500 ms minimum election timeout), so a loaded machine's late
        // heartbeat to the running follower does not count as silence.
        FollowerChannels channels = new FollowerChannels(leader.raftServer(), MetadataNode.GROUP_ID, 3_000, now::get);
        channels.check();
        assertEquals(Set.of(), channels.renewed(), "both followers answer");

        cluster.stop(stopped);
        MetadataTestCluster.await("the leader to notice the silence", () -> {
            try {
                channels.check();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return !channels.renewed().isEmpty();
        });
        assertEquals(Set.of(MetadataNode.peerId(stopped).toString()), channels.renewed(), "only the stopped follower");

        cluster.start(stopped);
        MetadataTestCluster.await("the restarted follower to answer the leader", () -> {
            try {
                now.addAndGet(1_000_000_000L); // past the period: a silent follower would be renewed again
                channels.check();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return channels.renewed().isEmpty();
        });
        channels.close();
        long index = leader.client().propose(new AlterConfigsRecord(AlterConfigsRecord.Resource.CLUSTER, "",
                Map.of("k", "v"))).index();
        cluster.awaitApplied(index); // on every node, the restarted one included
    }
}
