package io.kayak.network.service;

/**
 * The outcome of one append.
 *
 * @param baseOffset     the offset of the first record appended, or -1 on error
 * @param lastOffset     the offset of the last record appended, or -1 on error
 * @param logStartOffset the partition's log start offset after the append, or -1 if unknown
 * @param leaderHint     on {@link PartitionError#NOT_LEADER}: the node believed to lead, or -1
 */
public record AppendResult(PartitionError error, long baseOffset, long lastOffset, long logStartOffset, int leaderHint,
                           String message) {

    public static AppendResult appended(long baseOffset, long lastOffset, long logStartOffset) {
        return new AppendResult(PartitionError.NONE, baseOffset, lastOffset, logStartOffset, -1, "");
    }

    public static AppendResult failed(PartitionError error, int leaderHint, String message) {
        return new AppendResult(error, -1, -1, -1, leaderHint, message);
    }
}
