package io.kayak.log;

/**
 * Where a leader epoch's records end in a log (see {@link PartitionLog#endOffsetForEpoch}).
 *
 * @param epoch     the largest batch epoch at or below the one asked for, or {@link #NO_EPOCH} when no batch in
 *                  the range has one
 * @param endOffset the first offset of a batch with a larger epoch, or the end of the searched range
 */
public record EpochEnd(int epoch, long endOffset) {
    public static final int NO_EPOCH = -1;
}
