package io.kayak.network.service;

/**
 * The answer to a ListOffsets query.
 *
 * @param offset      the offset found, or -1 when no record has a timestamp at or after the one asked for
 * @param timestamp   the timestamp of the batch found, or -1 for earliest/latest queries
 * @param leaderEpoch the leader's epoch
 */
public record OffsetResult(PartitionError error, long offset, long timestamp, int leaderEpoch, int leaderHint) {

    public static OffsetResult failed(PartitionError error, int leaderHint) {
        return new OffsetResult(error, -1, -1, -1, leaderHint);
    }
}
