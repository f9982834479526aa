package io.kayak.network.service;

/**
 * The answer to OffsetForLeaderEpoch for one partition: where the log's history of {@code leaderEpoch} ends.
 *
 * @param leaderEpoch the largest epoch at or below the one asked for that has records here, or -1 if unknown
 * @param endOffset   the first offset after that epoch (the high watermark when no later epoch has records), or -1
 * @param leaderHint  on {@link PartitionError#NOT_LEADER}: the node believed to lead, or -1
 */
public record EpochEndOffset(PartitionError error, int leaderEpoch, long endOffset, int leaderHint) {

    public static EpochEndOffset failed(PartitionError error, int leaderHint) {
        return new EpochEndOffset(error, -1, -1, leaderHint);
    }
}
