package io.kayak.log;

/**
 * What an append assigned.
 *
 * @param firstOffset  the batch's new base offset
 * @param lastOffset   offset of its last record
 * @param maxTimestamp the batch's max timestamp as the producer set it
 * @param position     byte position of the batch in its segment
 * @param segmentBase  base offset of the segment it went into
 */
public record AppendInfo(long firstOffset, long lastOffset, long maxTimestamp, int position, long segmentBase) {
}
