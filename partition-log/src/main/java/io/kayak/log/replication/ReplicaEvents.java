package io.kayak.log.replication;

import org.apache.ratis.protocol.RaftPeerId;

/**
 * What a partition state machine tells its owner. Called on Ratis threads: hand work off, do not block.
 */
public interface ReplicaEvents {
    ReplicaEvents NONE = (leader, term) -> { };

    /** The group has a new leader ({@code null} when none is known) in {@code term}. */
    void leaderChanged(RaftPeerId leader, long term);

    /** This replica leads and is ready: it committed an entry of its own term, so it takes writes and serves reads. */
    default void leaderReady() {
    }

    /** The high watermark moved up to {@code highWatermark} (an entry with records was applied, or a log installed). */
    default void highWatermarkAdvanced(long highWatermark) {
    }
}
