package io.kayak.network.service;

/**
 * The outcome of one read: batches from the requested offset, never at or above the high watermark.
 *
 * @param records        empty when nothing new is committed, or on error
 * @param leaderHint     on {@link PartitionError#NOT_LEADER}: the node believed to lead, or -1
 */
public record ReadResult(PartitionError error, long highWatermark, long logStartOffset, RecordsSlice records,
                         int leaderHint) {

    public static ReadResult failed(PartitionError error, int leaderHint) {
        return new ReadResult(error, -1, -1, RecordsSlice.EMPTY, leaderHint);
    }
}
