package io.kayak.log;

import io.kayak.log.batch.BatchValidator;
import io.kayak.log.batch.RecordBatchHeader;
import io.kayak.log.index.IndexEntry;
import io.kayak.log.index.LogIndex;
import io.kayak.log.index.PartitionState;
import io.kayak.log.internal.Checks;
import io.kayak.log.recovery.LogLoader;
import io.kayak.log.segment.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/**
 * The log of one partition: Kafka v2 record batches stored byte for byte in segment files, indexed in
 * the log directory's RocksDB, with dense offsets assigned on append.
 *
 * <p>On disk: a directory per partition under a {@code log.dirs} entry holding segment files named by
 * their base offset ({@link Segment}); the index and the {@link PartitionState} live in the shared
 * RocksDB of the log directory ({@link io.kayak.log.index.RocksIndexStore}).
 *
 * <p>Durability: {@link #flush()} fsyncs every dirty segment (and the directory after a roll), then moves
 * the recovery point; the log directory writes it into the index right before each index sync
 * ({@link #checkpointState()}). The index itself becomes durable as one atomic snapshot of
 * all its entries ({@link io.kayak.log.index.RocksIndexStore#sync()}): the recovery point only ever names
 * data that was fsynced before it was written, a surviving snapshot holds every index entry written before
 * its recovery points, and {@link LogLoader} validates everything from the recovery point on and rewrites
 * the index to match. So a crash at any moment loses at most what was not flushed, costs a re-validation of
 * what was appended since the last index snapshot, and never serves a torn batch.
 *
 * <p>Invariants: {@code logStartOffset <= nextOffset}; offsets are dense from the first segment's base to
 * {@link #logEndOffset()}; there is always exactly one active segment, the last. A read never returns
 * bytes of a batch at or above its limit.
 *
 * <p>Errors: invalid input throws {@link InvalidBatchException} / {@link BatchTooLargeException} and changes
 * nothing. The first I/O failure takes the log offline for good ({@link LogOfflineException}).
 *
 * <p>Thread model: every public method is synchronized on the log; reads are short (index lookups) and
 * return a {@link LogSlice} whose bytes the caller sends outside the lock. Fsync happens under the lock.
 * Owned and closed by its {@link LogDir}.
 */
public final class PartitionLog implements AutoCloseable {
    private final String name;
    private final Path dir;
    private LogConfig config;
    private final InstantSource clock;
    private final LogIndex index;
    private final Consumer<Segment> retire;
    private final BatchValidator validator = new BatchValidator();
    private final IndexEntry entry = new IndexEntry();
    /** The header fields a stamped append sets (base offset, length, partition leader epoch); guarded by this. */
    private final ByteBuffer stampedHead = ByteBuffer.allocate(Segment.STAMPED_HEAD_BYTES);
    private final EpochSearch epochs;
    private final TreeMap<Long, Segment> segments;
    private final RecoveryReport recoveryReport;
    private Segment active;
    private long logStartOffset;
    private long nextOffset;
    private long recoveryPoint;
    private long maxTimestampSoFar;
    private byte[] blob;
    private boolean dirDirty;
    /** The blob changed since the last flush. */
    private boolean blobChanged;
    /** The blob as of the last flush: what the persisted state may claim. */
    private byte[] flushedBlob;
    /** The persisted state lags the in-memory one; {@link #checkpointState()} writes it. */
    private boolean stateUnwritten;
    private long lastFlushMs;
    private LogOfflineException offline;
    private boolean closed;

    private PartitionLog(String name, Path dir, LogConfig config, InstantSource clock, LogIndex index,
                         Consumer<Segment> retire, LogLoader.Loaded loaded) {
        this.name = name;
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.index = index;
        this.retire = retire;
        this.segments = loaded.segments();
        this.epochs = new EpochSearch(index, segments, name);
        this.active = segments.lastEntry().getValue();
        this.logStartOffset = loaded.logStartOffset();
        this.nextOffset = loaded.nextOffset();
        this.recoveryPoint = nextOffset;
        this.maxTimestampSoFar = loaded.maxTimestampSoFar();
        this.blob = loaded.blob();
        this.flushedBlob = blob;
        this.recoveryReport = loaded.report();
        this.lastFlushMs = clock.millis();
    }

    /**
     * Opens (creating if needed) the partition in {@code dir}, recovering it first. Called by {@link LogDir}.
     *
     * @param retire receives segments removed by retention or truncation; it closes them when no reader can
     *               still hold one of their slices
     */
    static PartitionLog open(String name, Path dir, LogConfig config, InstantSource clock, LogIndex index,
                             Consumer<Segment> retire) throws IOException {
        LogLoader.Loaded loaded = new LogLoader(dir, index, config, clock.millis()).load();
        return new PartitionLog(name, dir, config, clock, index, retire, loaded);
    }

    /**
     * Appends one record batch, assigning it the next dense offsets. The batch is the buffer's remaining
     * bytes; its base offset field is rewritten in place (the CRC does not cover it) and the buffer's
     * position is left unchanged. With {@link FlushPolicy#EVERY_APPEND} the batch is durable on return.
     *
     * @throws InvalidBatchException  if the bytes are not one intact v2 batch; nothing is written
     * @throws BatchTooLargeException if the batch exceeds {@code message.max.bytes}; nothing is written
     */
    public synchronized AppendInfo append(ByteBuffer batch) {
        return appendLocked(batch, null);
    }

    /**
     * Appends one record batch as {@link #append(ByteBuffer)} does, with its partition leader epoch set to
     * {@code partitionLeaderEpoch}, but without writing to the buffer, which may be read-only: the log writes
     * the header fields it sets from a copy of its own and the rest of the batch straight from the buffer. A
     * replicated batch is so copied once, into the segment.
     *
     * @throws InvalidBatchException  if the bytes are not one intact v2 batch; nothing is written
     * @throws BatchTooLargeException if the batch exceeds {@code message.max.bytes}; nothing is written
     */
    public synchronized AppendInfo append(ByteBuffer batch, int partitionLeaderEpoch) {
        stampedHead.putInt(RecordBatchHeader.PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
        return appendLocked(batch, stampedHead);
    }

    /** With {@code head} null the base offset is set in the batch itself, else in {@code head}, written in its place. */
    private AppendInfo appendLocked(ByteBuffer batch, ByteBuffer head) {
        checkUsable();
        int start = batch.position();
        int size = batch.remaining();
        validator.validate(batch, start, size, config.messageMaxBytes());
        int lastOffsetDelta = RecordBatchHeader.lastOffsetDelta(batch, start);
        long maxTimestamp = RecordBatchHeader.maxTimestamp(batch, start);
        long base = nextOffset;
        long now = clock.millis();
        try {
            maybeRoll(size, now);
            int position;
            if (head == null) {
                RecordBatchHeader.setBaseOffset(batch, start, base);
                position = active.append(batch, start, size, base + lastOffsetDelta + 1, maxTimestamp, now);
            } else {
                RecordBatchHeader.setBaseOffset(head, 0, base);
                head.putInt(RecordBatchHeader.LENGTH_OFFSET, batch.getInt(start + RecordBatchHeader.LENGTH_OFFSET));
                position = active.append(head, batch, start, size, base + lastOffsetDelta + 1, maxTimestamp, now);
            }
            index.putBatch(base, active.baseOffset(), position, size, lastOffsetDelta, maxTimestamp);
            if (maxTimestamp > maxTimestampSoFar) {
                index.putTimestamp(maxTimestamp, base);
                maxTimestampSoFar = maxTimestamp;
            }
            nextOffset = base + lastOffsetDelta + 1;
            if (config.flushPolicy() == FlushPolicy.EVERY_APPEND) {
                flushLocked();
            }
            return new AppendInfo(base, nextOffset - 1, maxTimestamp, position, active.baseOffset());
        } catch (IOException | LogOfflineException e) {
            throw goOffline("append at offset " + base, e);
        }
    }

    private void maybeRoll(int batchSize, long now) throws IOException {
        if (active.isEmpty()) {
            return;
        }
        boolean full = (long) active.size() + batchSize > config.segmentBytes();
        boolean old = now - active.firstAppendMs() >= config.rollMs();
        if (full || old) {
            roll();
        }
    }

    /** Seals the active segment and starts a new, empty one at the log end. */
    private void roll() throws IOException {
        active.seal();
        Segment next = Segment.create(dir, nextOffset, config.segmentWriteMode(), config.segmentBytes());
        segments.put(nextOffset, next);
        active = next;
        dirDirty = true;
    }

    /**
     * Whole batches starting with the one that holds {@code fromOffset}, from a single segment.
     *
     * @param maxBytes        stop before a batch that would take the slice past this size; the first batch is
     *                        always included whatever its size (Kafka's minOneMessage), so a consumer can
     *                        always make progress
     * @param upToExclusive   never return a batch whose last offset is at or above this (the high watermark)
     * @return an empty slice when nothing below {@code upToExclusive} is at or after {@code fromOffset}
     * @throws OffsetOutOfRangeException if {@code fromOffset} is below the log start or above the log end
     */
    public synchronized LogSlice read(long fromOffset, int maxBytes, long upToExclusive) {
        checkUsable();
        if (fromOffset < logStartOffset || fromOffset > nextOffset) {
            throw new OffsetOutOfRangeException(fromOffset, logStartOffset, nextOffset);
        }
        long limit = Math.min(upToExclusive, nextOffset);
        if (fromOffset >= limit || !index.floorBatch(fromOffset, entry) || entry.lastOffset() >= limit) {
            return LogSlice.empty(fromOffset);
        }
        Checks.state(entry.nextOffset() > fromOffset, "index has no batch holding offset %s of %s (floor %s)",
                fromOffset, name, entry);
        Segment segment = segments.get(entry.segmentBase());
        Checks.state(segment != null, "index names segment %s of %s, which does not exist", entry.segmentBase(), name);
        long first = entry.baseOffset();
        int position = entry.position();
        int end = entry.endPosition();
        long next = entry.nextOffset();
        while (index.nextBatch(entry) && entry.segmentBase() == segment.baseOffset() && entry.lastOffset() < limit
                && (long) entry.endPosition() - position <= maxBytes) {
            Checks.state(entry.position() == end, "index of %s has a gap before %s", name, entry);
            end = entry.endPosition();
            next = entry.nextOffset();
        }
        return new LogSlice(segment.channel(), position, end - position, first, next);
    }

    /**
     * The first record whose timestamp is at or after {@code timestamp}, at or above the log start offset;
     * null when there is none. Reads (and decompresses) only the one batch that holds the answer.
     */
    public synchronized TimestampOffset offsetForTimestamp(long timestamp) {
        checkUsable();
        long start = index.timestampSearchStart(timestamp);
        if (start < 0) {
            return null;
        }
        boolean found = index.floorBatch(Math.max(start, logStartOffset), entry);
        for (; found; found = index.nextBatch(entry)) {
            if (entry.maxTimestamp() < timestamp || entry.lastOffset() < logStartOffset) {
                continue;
            }
            TimestampOffset hit = searchBatch(entry, timestamp);
            if (hit != null) {
                return hit;
            }
        }
        return null;
    }

    private TimestampOffset searchBatch(IndexEntry batch, long timestamp) {
        for (RecordBatch rb : MemoryRecords.readableRecords(batchBytes(batch)).batches()) {
            for (Record r : rb) {
                if (r.timestamp() >= timestamp && r.offset() >= logStartOffset) {
                    return new TimestampOffset(r.timestamp(), r.offset());
                }
            }
        }
        return null;
    }

    private ByteBuffer batchBytes(IndexEntry batch) {
        Segment segment = segments.get(batch.segmentBase());
        Checks.state(segment != null, "index names segment %s of %s, which does not exist", batch.segmentBase(), name);
        try {
            return new LogSlice(segment.channel(), batch.position(), batch.size(), batch.baseOffset(), batch.nextOffset())
                    .copyBytes();
        } catch (IOException e) {
            throw goOffline("read of the batch at offset " + batch.baseOffset(), e);
        }
    }

    /**
     * The record with the largest timestamp among the batches that lie wholly below {@code upToExclusive} (the high
     * watermark), at or above the log start offset: Kafka's ListOffsets {@code MAX_TIMESTAMP}. Ties go to the lowest
     * offset, as in Kafka: the first batch whose largest timestamp is the maximum, and in it the first record that
     * carries that timestamp. Null when that range holds no record.
     *
     * <p>Cost: the segments' own largest timestamps pick the one segment holding the answer; only the segments
     * that straddle the log start or the limit, and that one segment, are walked in the index (no segment reads);
     * then the one batch with the answer is read. A batch straddling the log start is read too, since its indexed
     * maximum may belong to a deleted record.
     */
    public synchronized TimestampOffset maxTimestampOffset(long upToExclusive) {
        checkUsable();
        long limit = Math.min(upToExclusive, nextOffset);
        if (logStartOffset >= limit) {
            return null;
        }
        long best = Long.MIN_VALUE;
        Segment holder = null;
        for (Segment s : segments.values()) {
            if (s.baseOffset() >= limit) {
                break;
            }
            if (s.isEmpty() || s.nextOffset() <= logStartOffset) {
                continue;
            }
            boolean whole = s.baseOffset() >= logStartOffset && s.nextOffset() <= limit;
            long max = whole ? s.maxTimestamp() : maxTimestampIn(s, limit);
            if (max > best) {
                best = max;
                holder = s;
            }
        }
        if (holder == null) {
            return null;
        }
        TimestampOffset found = firstWithTimestamp(holder, limit, best);
        Checks.state(found != null, "no record of %s below %s carries the largest timestamp %s of segment %s",
                name, limit, best, holder);
        return found;
    }

    /** The largest timestamp of the records of {@code s} in [log start, {@code limit}), from the index. */
    private long maxTimestampIn(Segment s, long limit) {
        long max = Long.MIN_VALUE;
        boolean found = index.floorBatch(Math.max(s.baseOffset(), logStartOffset), entry);
        for (; found && entry.segmentBase() <= s.baseOffset() && entry.lastOffset() < limit; found = index.nextBatch(entry)) {
            if (entry.segmentBase() == s.baseOffset() && entry.lastOffset() >= logStartOffset) {
                max = Math.max(max, entry.baseOffset() >= logStartOffset ? entry.maxTimestamp() : maxTimestampAboveStart(entry));
            }
        }
        return max;
    }

    /** For a batch straddling the log start: the largest timestamp of its records that are still in the log. */
    private long maxTimestampAboveStart(IndexEntry batch) {
        long max = Long.MIN_VALUE;
        for (RecordBatch rb : MemoryRecords.readableRecords(batchBytes(batch)).batches()) {
            for (Record r : rb) {
                if (r.offset() >= logStartOffset) {
                    max = Math.max(max, r.timestamp());
                }
            }
        }
        return max;
    }

    /** The first record of {@code s} in [log start, {@code limit}) whose timestamp is {@code timestamp}. */
    private TimestampOffset firstWithTimestamp(Segment s, long limit, long timestamp) {
        boolean found = index.floorBatch(Math.max(s.baseOffset(), logStartOffset), entry);
        for (; found && entry.segmentBase() <= s.baseOffset() && entry.lastOffset() < limit; found = index.nextBatch(entry)) {
            if (entry.segmentBase() != s.baseOffset() || entry.lastOffset() < logStartOffset
                    || entry.maxTimestamp() < timestamp) {
                continue;
            }
            for (RecordBatch rb : MemoryRecords.readableRecords(batchBytes(entry)).batches()) {
                for (Record r : rb) {
                    if (r.timestamp() == timestamp && r.offset() >= logStartOffset) {
                        return new TimestampOffset(r.timestamp(), r.offset());
                    }
                }
            }
        }
        return null;
    }

    /**
     * Where the records of leader epochs up to {@code epoch} end below {@code upToExclusive} (Kafka's
     * OffsetForLeaderEpoch): the first offset of a batch with a larger epoch, or the end of the range, and the
     * largest epoch at or below {@code epoch} found before it. Relies on batch epochs never decreasing along the
     * log (see {@link EpochSearch}).
     */
    public synchronized EpochEnd endOffsetForEpoch(int epoch, long upToExclusive) {
        checkUsable();
        long limit = Math.min(upToExclusive, nextOffset);
        if (logStartOffset >= limit) {
            return new EpochEnd(EpochEnd.NO_EPOCH, Math.max(logStartOffset, limit));
        }
        try {
            long end = epochs.firstOffsetAbove(epoch, logStartOffset, limit);
            return new EpochEnd(end > logStartOffset ? epochs.epochAt(end - 1) : EpochEnd.NO_EPOCH, end);
        } catch (IOException e) {
            throw goOffline("read of batch epochs", e);
        }
    }

    /**
     * The largest record timestamp of the batch holding {@code offset}, from the index alone (no segment read):
     * an upper bound on that record's own timestamp, which consumer-lag "seconds behind" is computed from.
     *
     * @throws OffsetOutOfRangeException if {@code offset} is below the log start or at or above the log end
     */
    public synchronized long batchTimestampAt(long offset) {
        checkUsable();
        if (offset < logStartOffset || offset >= nextOffset) {
            throw new OffsetOutOfRangeException(offset, logStartOffset, nextOffset);
        }
        Checks.state(index.floorBatch(offset, entry) && entry.nextOffset() > offset,
                "index has no batch holding offset %s of %s", offset, name);
        return entry.maxTimestamp();
    }

    /** The partition leader epoch stamped in the batch holding {@code offset}, which must lie in the log. */
    public synchronized int epochAt(long offset) {
        checkUsable();
        if (offset < logStartOffset || offset >= nextOffset) {
            throw new OffsetOutOfRangeException(offset, logStartOffset, nextOffset);
        }
        try {
            return epochs.epochAt(offset);
        } catch (IOException e) {
            throw goOffline("read of the epoch of offset " + offset, e);
        }
    }

    /**
     * Removes every batch whose last offset is at or above {@code offset}, for Raft truncation. A batch that
     * straddles {@code offset} is removed whole. The truncation is fsynced before this returns.
     *
     * @return the new log end offset ({@code <= offset})
     */
    public synchronized long truncateTo(long offset) {
        checkUsable();
        if (offset >= nextOffset) {
            return nextOffset;
        }
        Checks.argument(offset >= logStartOffset, "cannot truncate %s to %s, below its log start offset %s",
                name, offset, logStartOffset);
        try {
            Checks.state(index.floorBatch(offset, entry) && entry.lastOffset() >= offset,
                    "index of %s has no batch holding offset %s below its end %s", name, offset, nextOffset);
            long newEnd = entry.baseOffset();
            int position = entry.position();
            long segmentBase = entry.segmentBase();
            for (Segment s : new ArrayList<>(segments.tailMap(segmentBase, false).values())) {
                segments.remove(s.baseOffset());
                s.seal();
                s.deleteFile();
                retire.accept(s);
            }
            index.removeFrom(newEnd);
            Segment keep = segments.get(segmentBase);
            keep.truncateTo(position, newEnd, segmentMaxTimestamp(keep, newEnd));
            if (!keep.isActive()) {
                keep.openWriter(config.segmentWriteMode(), config.segmentBytes());
            }
            active = keep;
            nextOffset = newEnd;
            recoveryPoint = Math.min(recoveryPoint, newEnd);
            maxTimestampSoFar = lastIndexedMaxTimestamp();
            dirDirty = true;
            writeState();
            // A later append may put different batches at the truncated positions: the index must never
            // come back from a crash still describing the removed ones.
            index.sync();
            return newEnd;
        } catch (IOException | LogOfflineException e) {
            throw goOffline("truncation to " + offset, e);
        }
    }

    /**
     * Empties the log and restarts it at {@code offset}: every segment and index entry goes, and the log start
     * and end both become {@code offset}. For a replica whose data lies below its leader's log start, so that
     * what it lacks no longer exists anywhere. Durable on return; after a crash part-way the loader finds
     * either the old segments or the new empty one, never a mix the index does not describe.
     */
    public synchronized void truncateFullyAndStartAt(long offset) {
        checkUsable();
        Checks.argument(offset >= 0, "cannot restart %s at negative offset %s", name, offset);
        try {
            index.removeFrom(0);
            for (Segment s : new ArrayList<>(segments.values())) {
                segments.remove(s.baseOffset());
                s.seal();
                s.deleteFile();
                retire.accept(s);
            }
            active = Segment.create(dir, offset, config.segmentWriteMode(), config.segmentBytes());
            segments.put(offset, active);
            logStartOffset = offset;
            nextOffset = offset;
            recoveryPoint = offset;
            maxTimestampSoFar = -1;
            dirDirty = true;
            flushLocked();
            writeState();
            index.sync();
        } catch (IOException | LogOfflineException e) {
            throw goOffline("restarting at offset " + offset, e);
        }
    }

    private long segmentMaxTimestamp(Segment segment, long endExclusive) {
        long max = -1;
        for (boolean found = index.ceilingBatch(segment.baseOffset(), entry);
             found && entry.baseOffset() < endExclusive; found = index.nextBatch(entry)) {
            max = Math.max(max, entry.maxTimestamp());
        }
        return max;
    }

    private long lastIndexedMaxTimestamp() {
        long max = -1;
        for (Segment s : segments.values()) {
            max = Math.max(max, s.maxTimestamp());
        }
        return max;
    }

    /**
     * Advances the log start offset to {@code offset} (Kafka's DeleteRecords) and deletes the segments that
     * then hold nothing readable. The caller bounds {@code offset} by the high watermark.
     *
     * @return the log start offset afterwards
     */
    public synchronized long deleteRecordsBefore(long offset) {
        checkUsable();
        if (offset > nextOffset) {
            throw new OffsetOutOfRangeException(offset, logStartOffset, nextOffset);
        }
        if (offset <= logStartOffset) {
            return logStartOffset;
        }
        logStartOffset = offset;
        try {
            if (active.nextOffset() <= offset && !active.isEmpty()) {
                roll();
            }
            while (segments.size() > 1 && segments.firstEntry().getValue().nextOffset() <= offset) {
                deleteOldestSegment();
            }
            writeState();
        } catch (IOException | LogOfflineException e) {
            throw goOffline("deleting records before " + offset, e);
        }
        return logStartOffset;
    }

    /**
     * Deletes whole segments past {@code retention.ms} (by their largest batch timestamp) or beyond
     * {@code retention.bytes}, oldest first, and advances the log start offset. When every segment has
     * expired the active one is rolled first, so the log end offset survives in a new, empty segment.
     *
     * @return the number of segments deleted
     */
    public synchronized int applyRetention() {
        checkUsable();
        long now = clock.millis();
        int deleted = 0;
        try {
            if (config.retentionMs() >= 0) {
                while (segments.size() > 1 && expired(segments.firstEntry().getValue(), now)) {
                    deleteOldestSegment();
                    deleted++;
                }
                if (segments.size() == 1 && !active.isEmpty() && expired(active, now)) {
                    roll();
                    deleteOldestSegment();
                    deleted++;
                }
            }
            if (config.retentionBytes() >= 0) {
                long total = sizeInBytes();
                while (segments.size() > 1 && total - segments.firstEntry().getValue().size() >= config.retentionBytes()) {
                    total -= segments.firstEntry().getValue().size();
                    deleteOldestSegment();
                    deleted++;
                }
            }
            if (deleted > 0) {
                writeState();
            }
        } catch (IOException | LogOfflineException e) {
            throw goOffline("retention", e);
        }
        return deleted;
    }

    private boolean expired(Segment s, long now) {
        long ts = s.maxTimestamp() >= 0 ? s.maxTimestamp() : s.file().toFile().lastModified();
        return now - ts > config.retentionMs();
    }

    private void deleteOldestSegment() throws IOException {
        Segment oldest = segments.pollFirstEntry().getValue();
        Checks.state(oldest != active, "retention must never delete the active segment of %s", name);
        oldest.deleteFile();
        retire.accept(oldest);
        long newStart = segments.firstKey();
        logStartOffset = Math.max(logStartOffset, newStart);
        index.removeBefore(newStart);
        dirDirty = true;
    }

    /** Fsyncs every dirty segment (and the directory when files were added or removed), then moves the recovery point. */
    public synchronized void flush() {
        checkUsable();
        try {
            flushLocked();
        } catch (IOException | LogOfflineException e) {
            throw goOffline("flush", e);
        }
    }

    /** Flushes when {@link FlushPolicy#INTERVAL} is in force and {@code log.flush.interval.ms} has passed. */
    public synchronized void flushIfDue() {
        if (closed || offline != null || config.flushPolicy() != FlushPolicy.INTERVAL) {
            return;
        }
        if (clock.millis() - lastFlushMs >= config.flushIntervalMs()) {
            flush();
        }
    }

    private void flushLocked() throws IOException {
        lastFlushMs = clock.millis();
        if (recoveryPoint == nextOffset && !dirDirty && !blobChanged) {
            return;
        }
        for (Segment s : segments.tailMap(segments.floorKey(Math.max(recoveryPoint, segments.firstKey())), true).values()) {
            s.force();
        }
        if (dirDirty) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
            dirDirty = false;
        }
        recoveryPoint = nextOffset;
        flushedBlob = blob;
        blobChanged = false;
        stateUnwritten = true;
    }

    /**
     * Flushes the log and makes its state (recovery point and the blob) durable now rather than at the log
     * directory's next index sync: for a blob the replication layer must never see go backwards after a
     * crash (Ratis purges its own log behind it). Syncs the whole index store, so it is for rare events.
     */
    public synchronized void flushWithState() {
        flush();
        try {
            writeState();
            index.sync();
        } catch (LogOfflineException e) {
            throw goOffline("persisting the partition state", e);
        }
    }

    /**
     * Writes the partition state (log start, recovery point, the blob as of the last flush) into the index.
     * Called by the log directory right before each index sync rather than on every flush: the index is not
     * durable before that sync anyway, so writing earlier would only cost time on the append path.
     */
    synchronized void checkpointState() {
        if (stateUnwritten && !closed && offline == null) {
            writeState();
        }
    }

    private void writeState() {
        index.writeState(new PartitionState(logStartOffset, recoveryPoint, nextOffset, flushedBlob));
        stateUnwritten = false;
    }

    /**
     * Stores the replication layer's opaque state. It is persisted as of the next {@link #flush()}, together
     * with that flush's recovery point, so a persisted blob never describes more than durable data.
     */
    public synchronized void setStateBlob(byte[] newBlob) {
        checkUsable();
        blob = newBlob.clone();
        blobChanged = true;
    }

    /** The replication layer's opaque state as last stored; empty when none was ever stored. */
    public synchronized byte[] stateBlob() {
        return blob == null ? new byte[0] : blob.clone();
    }

    public synchronized long logStartOffset() {
        return logStartOffset;
    }

    /** The offset the next appended batch will get. */
    public synchronized long logEndOffset() {
        return nextOffset;
    }

    /** Every batch below this offset is durable. */
    public synchronized long recoveryPoint() {
        return recoveryPoint;
    }

    public synchronized long sizeInBytes() {
        long total = 0;
        for (Segment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    /** Base offsets of the segments, oldest first. */
    public synchronized List<Long> segmentBaseOffsets() {
        return new ArrayList<>(segments.keySet());
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    public synchronized LogConfig config() {
        return config;
    }

    /**
     * Adopts new settings (a topic's config changed) while open: retention applies at its next check, the
     * segment size from the next roll. Settings a topic cannot change (flush policy, write mode) must be equal.
     * A memory-mapped active segment is mapped at the old segment size, so a new size rolls it now (or, if it is
     * still empty, remaps it), keeping every write inside its mapping.
     */
    public synchronized void reconfigure(LogConfig newConfig) {
        checkUsable();
        Checks.argument(newConfig.flushPolicy() == config.flushPolicy() && newConfig.segmentWriteMode() == config.segmentWriteMode(),
                "partition %s: the flush policy and segment write mode cannot change while the log is open", name);
        LogConfig old = config;
        config = newConfig;
        if (old.segmentBytes() == newConfig.segmentBytes() || newConfig.segmentWriteMode() != SegmentWriteMode.MMAP) {
            return;
        }
        try {
            if (active.isEmpty()) {
                active.seal();
                active.openWriter(newConfig.segmentWriteMode(), newConfig.segmentBytes());
            } else {
                roll();
            }
        } catch (IOException e) {
            throw goOffline("resizing the active segment", e);
        }
    }

    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    public synchronized boolean isOffline() {
        return offline != null;
    }

    private void checkUsable() {
        if (closed) {
            throw new LogClosedException("partition log " + name);
        }
        if (offline != null) {
            throw new LogOfflineException("partition log " + name + " is offline after an earlier disk error: "
                    + offline.getMessage(), offline);
        }
    }

    private LogOfflineException goOffline(String what, Exception cause) {
        if (offline == null) {
            offline = cause instanceof LogOfflineException loe ? loe
                    : new LogOfflineException(what + " failed for " + name + ": " + cause.getMessage(), cause);
            org.slf4j.LoggerFactory.getLogger(PartitionLog.class).error("Partition log {} is now offline", name, cause);
        }
        return offline;
    }

    /** Flushes (unless offline), trims the active segment and closes every file. Further calls fail fast. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        IOException failure = null;
        if (offline == null) {
            try {
                active.seal();
                active.markDirty();
                flushLocked();
                writeState();
            } catch (IOException | LogOfflineException e) {
                failure = e instanceof IOException io ? io : new IOException(e);
            }
        }
        closed = true;
        for (Segment s : segments.values()) {
            try {
                if (offline == null) {
                    s.close();
                } else {
                    s.channel().close(); // after a disk error nothing more is written, not even a trim
                }
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        index.close();
        if (failure != null) {
            throw failure;
        }
    }

    /** For {@link LogDir#crashForTesting()}: closes every file without sealing or flushing anything. */
    synchronized void abandonForTesting() throws IOException {
        closed = true;
        for (Segment s : segments.values()) {
            s.channel().close();
        }
        index.close();
    }

    @Override
    public String toString() {
        return "PartitionLog[" + name + ", start=" + logStartOffset + ", end=" + nextOffset + ", segments=" + segments.size() + "]";
    }
}
