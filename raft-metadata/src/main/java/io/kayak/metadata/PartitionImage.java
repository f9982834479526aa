package io.kayak.metadata;

import java.util.List;

/**
 * One partition: its assigned replicas (preferred leader first) and what its leader last reported.
 *
 * @param leader                 the leading node, or -1 before any leader reported
 * @param leaderEpoch            the leader's Raft term, or -1 before any leader reported
 * @param quiescedHighWatermark  {@link #RUNNING} while the partition's Raft group runs; otherwise the group is
 *                               quiesced (every replica has stopped its division, see docs/ARCHITECTURE.md §5.8)
 *                               and this is its high watermark, the same on every replica: the recorded leader
 *                               serves reads up to it until a write wakes the group
 */
public record PartitionImage(int partition, List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr,
                             long quiescedHighWatermark) {
    public static final int NO_LEADER = -1;
    public static final long RUNNING = -1;

    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    /** A partition whose group runs. */
    public PartitionImage(int partition, List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr) {
        this(partition, replicas, leader, leaderEpoch, isr, RUNNING);
    }

    static PartitionImage unassigned(int partition, List<Integer> replicas) {
        return new PartitionImage(partition, replicas, NO_LEADER, -1, List.of());
    }

    /** Whether every replica has stopped the partition's Raft group until a write wakes it. */
    public boolean quiesced() {
        return quiescedHighWatermark != RUNNING;
    }

    /** This partition with its group quiesced at {@code highWatermark}, or running again ({@link #RUNNING}). */
    public PartitionImage withQuiescedHighWatermark(long highWatermark) {
        return new PartitionImage(partition, replicas, leader, leaderEpoch, isr, highWatermark);
    }
}
