package io.kayak.network.service;

import java.util.List;

/**
 * Who leads a partition as the metadata records it.
 *
 * @param leader      the leading node, or -1 when none is known
 * @param leaderEpoch the leader's Raft term, or -1 when none is known
 */
public record PartitionLeader(int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr) {
    public PartitionLeader {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}
