package io.kayak.broker.replica;

import io.kayak.log.LogDir;
import io.kayak.log.PartitionLog;
import io.kayak.log.replication.PartitionStateMachine;
import io.kayak.log.replication.ReplicaEvents;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.PartitionImage;
import io.kayak.metadata.TopicPartition;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * This node's replica of one partition: its log (in one of the node's log dirs) and the identity of its Ratis
 * group. The state machine is created by Ratis through the server's registry ({@link #newStateMachine}),
 * once per division start.
 *
 * <p>The {@link ReplicaManager} owns replicas: it opens the log, adds and removes the group, then closes or
 * deletes the log after the group is gone. While the partition is quiesced the division is stopped
 * ({@link #suspended}) and the log stays open for reads.
 */
final class Replica {
    final TopicPartition partition;
    final UUID topicId;
    final RaftGroupId groupId;
    final LogDir dir;
    final PartitionLog log;
    private final ReplicaEvents events;
    /** The topic configs the log's settings were last derived from (changed by the reconciling thread only). */
    volatile java.util.Map<String, String> topicConfigs = java.util.Map.of();
    private volatile PartitionStateMachine stateMachine;

    /** Appends and record deletions submitted to the division and not answered yet; a leader quiesces only at 0. */
    final AtomicInteger writesInFlight = new AtomicInteger();
    /** Produce requests for the partition while this node leads it, coalesced into entries. */
    final AppendQueue appends;
    /** When this node last submitted a write to the partition (System.nanoTime), or took over its leadership. */
    volatile long lastWriteNanos = System.nanoTime();
    /** Set while this node, as the leader, proposes to quiesce the partition: writes then wake it instead. */
    volatile boolean quiescing;
    /** The division is stopped because the partition is quiesced (set and cleared by the reconciling thread). */
    volatile boolean suspended;
    /** Completes once a leader is known after a wake-up: this node ready to lead, or another node leading. */
    private volatile CompletableFuture<Void> awake = CompletableFuture.completedFuture(null);

    Replica(int nodeId, TopicPartition partition, UUID topicId, LogDir dir, PartitionLog log, ReplicaEvents owner,
            AppendQueue appends) {
        this.partition = partition;
        this.topicId = topicId;
        this.groupId = PartitionGroups.groupId(topicId, partition.partition());
        this.dir = dir;
        this.log = log;
        this.appends = appends;
        RaftPeerId self = PartitionGroups.peerId(nodeId);
        this.events = new ReplicaEvents() {
            @Override
            public void leaderChanged(RaftPeerId leader, long term) {
                if (leader != null && !leader.equals(self)) {
                    awake.complete(null);
                }
                owner.leaderChanged(leader, term);
            }

            @Override
            public void leaderReady() {
                lastWriteNanos = System.nanoTime();
                awake.complete(null);
                owner.leaderReady();
            }

            @Override
            public void highWatermarkAdvanced(long highWatermark) {
                owner.highWatermarkAdvanced(highWatermark);
            }
        };
    }

    /** The division was stopped: writes from now on wait for the next leader. */
    void suspended() {
        if (awake.isDone()) {
            awake = new CompletableFuture<>();
        }
        suspended = true;
    }

    /** Completes once a leader is known after the partition's latest wake-up (at once while it runs). */
    CompletableFuture<Void> awake() {
        return awake;
    }

    /** The log directory name of a partition, as Kafka names it. */
    static String logName(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    PartitionStateMachine newStateMachine(boolean fsync) {
        PartitionStateMachine sm = new PartitionStateMachine(log, events, fsync);
        stateMachine = sm;
        return sm;
    }

    /** The current state machine, or null before Ratis started the division. */
    PartitionStateMachine stateMachine() {
        return stateMachine;
    }

    @Override
    public String toString() {
        return partition + " (group " + groupId.getUuid() + ")";
    }

    /** What an image records of this partition (this incarnation of its topic), if anything. */
    Optional<PartitionImage> recorded(MetadataImage image) {
        return image.topic(topicId).filter(t -> partition.partition() < t.partitions().size())
                .map(t -> t.partitions().get(partition.partition()));
    }

    /** The assigned replicas of this partition in an image; empty if the topic (this incarnation) is gone. */
    static List<Integer> assigned(MetadataImage image, UUID topicId, int partition) {
        return image.topic(topicId)
                .filter(t -> partition >= 0 && partition < t.partitions().size())
                .map(t -> t.partitions().get(partition).replicas())
                .orElse(List.of());
    }
}
