package io.kayak.broker.replica;

import io.kayak.log.LogDir;
import io.kayak.log.PartitionLog;
import io.kayak.log.replication.PartitionStateMachine;
import io.kayak.log.replication.ReplicaEvents;
import io.kayak.metadata.TopicPartition;
import java.util.List;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroupId;

/**
 * This node's replica of one partition: its log (in one of the node's log dirs) and the identity of its Ratis
 * group. The state machine is created by Ratis through the server's registry ({@link #newStateMachine}),
 * once per division start.
 *
 * <p>The {@link ReplicaManager} owns replicas: it opens the log, adds and removes the group, then closes or
 * deletes the log after the group is gone.
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

    Replica(TopicPartition partition, UUID topicId, LogDir dir, PartitionLog log, ReplicaEvents events) {
        this.partition = partition;
        this.topicId = topicId;
        this.groupId = PartitionGroups.groupId(topicId, partition.partition());
        this.dir = dir;
        this.log = log;
        this.events = events;
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

    /** The assigned replicas of this partition in an image; empty if the topic (this incarnation) is gone. */
    static List<Integer> assigned(io.kayak.metadata.MetadataImage image, UUID topicId, int partition) {
        return image.topic(topicId)
                .filter(t -> partition >= 0 && partition < t.partitions().size())
                .map(t -> t.partitions().get(partition).replicas())
                .orElse(List.of());
    }
}
