package io.kayak.log.index;

/**
 * One batch's index entry, filled in place by {@link LogIndex} lookups so a lookup allocates nothing.
 * Mutable and owned by one caller at a time.
 */
public final class IndexEntry {
    long baseOffset;
    long segmentBase;
    int position;
    int size;
    int lastOffsetDelta;
    long maxTimestamp;

    public long baseOffset() {
        return baseOffset;
    }

    /** Base offset of the segment file that holds the batch. */
    public long segmentBase() {
        return segmentBase;
    }

    /** Byte position of the batch in its segment file. */
    public int position() {
        return position;
    }

    public int size() {
        return size;
    }

    public long lastOffset() {
        return baseOffset + lastOffsetDelta;
    }

    public long nextOffset() {
        return baseOffset + lastOffsetDelta + 1;
    }

    public long maxTimestamp() {
        return maxTimestamp;
    }

    /** Position just past the batch in its segment file. */
    public int endPosition() {
        return position + size;
    }

    public void copyFrom(IndexEntry other) {
        baseOffset = other.baseOffset;
        segmentBase = other.segmentBase;
        position = other.position;
        size = other.size;
        lastOffsetDelta = other.lastOffsetDelta;
        maxTimestamp = other.maxTimestamp;
    }

    @Override
    public String toString() {
        return "IndexEntry[base=" + baseOffset + ", last=" + lastOffset() + ", segment=" + segmentBase
                + ", position=" + position + ", size=" + size + ", maxTimestamp=" + maxTimestamp + "]";
    }
}
