package io.kayak.metadata;

import java.util.List;

/**
 * One partition: its assigned replicas (preferred leader first) and what its leader last reported.
 *
 * @param leader      the leading node, or -1 before any leader reported
 * @param leaderEpoch the leader's Raft term, or -1 before any leader reported
 */
public record PartitionImage(int partition, List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr) {
    public static final int NO_LEADER = -1;

    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    static PartitionImage unassigned(int partition, List<Integer> replicas) {
        return new PartitionImage(partition, replicas, NO_LEADER, -1, List.of());
    }
}
