package io.kayak.log.index;

/**
 * The index of one partition: batch base offset to (segment, position, size, last offset, max timestamp),
 * a monotonic max-timestamp to offset map, and the partition's persisted {@link PartitionState}.
 *
 * <p>The index is derived data: everything in it except the state can be rebuilt from the segment files,
 * and recovery does so whenever it disagrees with them. Lookups fill a caller-owned {@link IndexEntry}
 * and allocate nothing.
 *
 * <p>Cursor: {@link #floorBatch}, {@link #ceilingBatch} and {@link #lastBatch} position a cursor that
 * {@link #nextBatch} advances. Thread model: not thread-safe; the owning {@code PartitionLog} serializes
 * all calls under its lock.
 */
public interface LogIndex extends AutoCloseable {

    void putBatch(long baseOffset, long segmentBase, int position, int size, int lastOffsetDelta, long maxTimestamp);

    /** Records that the largest timestamp seen so far rose to {@code maxTimestamp} in the batch at {@code baseOffset}. */
    void putTimestamp(long maxTimestamp, long baseOffset);

    /** Fills {@code into} with the batch of greatest base offset {@code <= offset}; false when there is none. */
    boolean floorBatch(long offset, IndexEntry into);

    /** Fills {@code into} with the batch of least base offset {@code >= offset}; false when there is none. */
    boolean ceilingBatch(long offset, IndexEntry into);

    /** Fills {@code into} with the batch of greatest base offset; false when the index has none. */
    boolean lastBatch(IndexEntry into);

    /** Advances the cursor to the following batch; false when there is none. */
    boolean nextBatch(IndexEntry into);

    /**
     * The base offset of the first batch whose max timestamp, or that of a batch before it, is {@code >= timestamp}:
     * where a search for the first record at or after {@code timestamp} starts. -1 when no batch qualifies.
     */
    long timestampSearchStart(long timestamp);

    /** Removes every batch with base offset {@code >= offset}, and timestamp entries that point to them. */
    void removeFrom(long offset);

    /** Removes every batch with base offset {@code < offset}, and timestamp entries that point to them. */
    void removeBefore(long offset);

    /** The persisted state, or null when the index has none for this partition. */
    PartitionState readState();

    /** Records {@code state}; durable at the next {@link #sync()}. See {@code PartitionLog} for why that is safe. */
    void writeState(PartitionState state);

    /** Makes every write so far durable (for this and every other partition of the store). */
    void sync();

    /** Removes everything this index holds for the partition, state included. */
    void clear();

    @Override
    void close();
}
