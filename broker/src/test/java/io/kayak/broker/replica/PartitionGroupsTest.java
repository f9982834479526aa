package io.kayak.broker.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.topic.TopicConfigs;
import io.kayak.log.LogConfig;
import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.Endpoint;
import io.kayak.metadata.MetadataImage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.junit.jupiter.api.Test;

class PartitionGroupsTest {
    private static BrokerRegistration broker(int id, boolean withReplicationEndpoint) {
        List<Endpoint> endpoints = withReplicationEndpoint
                ? List.of(new Endpoint("PLAINTEXT", "h" + id, 9092), new Endpoint(PartitionGroups.REPLICATION_LISTENER, "h" + id, 9393))
                : List.of(new Endpoint("PLAINTEXT", "h" + id, 9092));
        return new BrokerRegistration(id, UUID.randomUUID(), endpoints, null, Long.MAX_VALUE, false);
    }

    @Test
    void groupIdsAreDeterministicAndDistinctPerTopicIncarnationAndPartition() {
        UUID topic = UUID.randomUUID();
        assertEquals(PartitionGroups.groupId(topic, 3), PartitionGroups.groupId(new UUID(topic.getMostSignificantBits(),
                topic.getLeastSignificantBits()), 3));
        assertNotEquals(PartitionGroups.groupId(topic, 3), PartitionGroups.groupId(topic, 4));
        assertNotEquals(PartitionGroups.groupId(topic, 3), PartitionGroups.groupId(UUID.randomUUID(), 3));
    }

    @Test
    void peersUseTheReplicationEndpointAndThePreferredLeaderHasPriority() {
        MetadataImage image = MetadataImage.EMPTY.withBrokers(Map.of(1, broker(1, true), 2, broker(2, true), 3, broker(3, true)));
        UUID topic = UUID.randomUUID();
        RaftGroup g = PartitionGroups.group(image, PartitionGroups.groupId(topic, 0), List.of(2, 3, 1)).orElseThrow();
        assertEquals(3, g.getPeers().size());
        RaftPeer preferred = g.getPeer(PartitionGroups.peerId(2));
        assertEquals("h2:9393", preferred.getAddress());
        assertEquals(PartitionGroups.PREFERRED_PRIORITY, preferred.getPriority());
        assertEquals(PartitionGroups.OTHER_PRIORITY, g.getPeer(PartitionGroups.peerId(3)).getPriority());
        assertEquals(java.util.Set.of(1, 2, 3), g.getPeers().stream().map(p -> PartitionGroups.nodeId(p.getId()))
                .collect(java.util.stream.Collectors.toSet()), "every replica is a peer");
        assertEquals(2, PartitionGroups.nodeId(preferred.getId()));
        assertEquals(-1, PartitionGroups.nodeId(null));
    }

    @Test
    void aGroupWaitsForEveryBrokersReplicationEndpoint() {
        MetadataImage image = MetadataImage.EMPTY.withBrokers(Map.of(1, broker(1, true), 2, broker(2, false)));
        assertEquals(Optional.empty(), PartitionGroups.group(image, PartitionGroups.groupId(UUID.randomUUID(), 0), List.of(1, 2)));
        assertEquals(Optional.empty(), PartitionGroups.group(image, PartitionGroups.groupId(UUID.randomUUID(), 0), List.of(1, 4)));
    }

    @Test
    void topicConfigsOverrideTheNodeLogSettingsAndReplicasNeverFsyncPerAppend() {
        LogConfig c = TopicConfigs.logConfig(LogConfig.defaults(), Map.of("retention.ms", "1234", "segment.bytes", "2097152",
                "cleanup.policy", "delete"));
        assertEquals(1234, c.retentionMs());
        assertEquals(2_097_152, c.segmentBytes());
        assertEquals(io.kayak.log.FlushPolicy.NEVER, c.flushPolicy());
        assertTrue(TopicConfigs.logConfig(LogConfig.defaults(), Map.of()).retentionMs() > 0);
    }
}
