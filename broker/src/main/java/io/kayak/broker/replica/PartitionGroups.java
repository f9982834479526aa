package io.kayak.broker.replica;

import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.Endpoint;
import io.kayak.metadata.MetadataImage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * How partitions map onto Ratis groups: a group id derived from (topic id, partition), so every node names
 * the same group the same way and a re-created topic of the same name gets new groups; one peer per
 * replica, addressed at the replication endpoint its broker registered. Ratis peer priorities are the
 * mechanism for preferred leaders, but are all equal for now (see {@link #PREFERRED_PRIORITY}).
 */
public final class PartitionGroups {
    /** The listener name under which a broker registers its partition Raft server; never shown to clients. */
    public static final String REPLICATION_LISTENER = "KAYAK_REPLICATION";
    /**
     * Equal to {@link #OTHER_PRIORITY} for now: with a higher priority on the preferred replica, Ratis kept
     * trying to hand leadership to it after it returned, its StartLeaderElection was refused ("lastEntry less
     * than leaderEntry") and the follower flapped in and out of the ISR (seen in CI, 2026-11-23). Preferred
     * leaders are restored by explicit transfers instead ({@link LeadershipPublisher}, Kafka's
     * {@code auto.leader.rebalance.enable}), started only when the preferred replica is caught up.
     */
    static final int PREFERRED_PRIORITY = 0;
    static final int OTHER_PRIORITY = 0;

    private PartitionGroups() {
    }

    public static RaftGroupId groupId(UUID topicId, int partition) {
        byte[] name = ByteBuffer.allocate(20).putLong(topicId.getMostSignificantBits())
                .putLong(topicId.getLeastSignificantBits()).putInt(partition).array();
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(name));
    }

    public static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf("n" + nodeId);
    }

    /** The node id behind a peer id, or -1 for anything else. */
    public static int nodeId(RaftPeerId peer) {
        if (peer == null) {
            return -1;
        }
        String s = peer.toString();
        try {
            return s.startsWith("n") ? Integer.parseInt(s.substring(1)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The replication endpoint a broker registered, if it registered one. */
    public static Optional<Endpoint> replicationEndpoint(BrokerRegistration broker) {
        return broker.endpoints().stream().filter(e -> e.listener().equals(REPLICATION_LISTENER)).findFirst();
    }

    /** The group of a partition, or empty while some replica's broker has not registered a replication endpoint. */
    public static Optional<RaftGroup> group(MetadataImage image, RaftGroupId id, List<Integer> replicas) {
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            int node = replicas.get(i);
            Optional<Endpoint> e = image.broker(node).flatMap(PartitionGroups::replicationEndpoint);
            if (e.isEmpty()) {
                return Optional.empty();
            }
            peers.add(RaftPeer.newBuilder().setId(peerId(node)).setAddress(e.get().host() + ":" + e.get().port())
                    .setPriority(i == 0 ? PREFERRED_PRIORITY : OTHER_PRIORITY).build());
        }
        return Optional.of(RaftGroup.valueOf(id, peers));
    }
}
