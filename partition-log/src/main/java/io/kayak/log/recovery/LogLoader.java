package io.kayak.log.recovery;

import io.kayak.log.LogConfig;
import io.kayak.log.LogException;
import io.kayak.log.RecoveryReport;
import io.kayak.log.batch.BatchValidator;
import io.kayak.log.batch.RecordBatchHeader;
import io.kayak.log.index.IndexEntry;
import io.kayak.log.index.LogIndex;
import io.kayak.log.index.PartitionState;
import io.kayak.log.segment.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory and makes the segments and the index agree, trusting nothing it has not
 * checked:
 * <ol>
 *   <li>Segments wholly below the persisted recovery point (fsynced before the point was written) are
 *       trusted if the index describes them consistently: dense offsets, contiguous positions, the
 *       file size equal to the indexed end, the next segment starting where this one ends. The first
 *       segment that fails any of these moves the validation start down to its base.</li>
 *   <li>From the segment holding the validation start to the end, every batch is read back and
 *       validated (length, magic 2, CRC-32C, offset continuity) and its index entry rewritten.</li>
 *   <li>At the first invalid batch the file is truncated, later segments are deleted and index
 *       entries past the valid end are removed. A corrupt batch is therefore never served.</li>
 * </ol>
 * With no persisted state (a new or rebuilt index) everything is validated. The validated tail is then
 * fsynced, so the new recovery point is the log end.
 *
 * <p>Thread model: runs once, on the thread opening the log, before the log is visible to anyone.
 */
public final class LogLoader {
    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);
    private static final int READ_CHUNK = 64 * 1024;

    /** The loaded log, ready to serve. The caller owns the segments. */
    public record Loaded(TreeMap<Long, Segment> segments, long logStartOffset, long nextOffset, long maxTimestampSoFar,
                         byte[] blob, RecoveryReport report) {
    }

    private final Path dir;
    private final LogIndex index;
    private final LogConfig config;
    private final long nowMs;
    private final BatchValidator validator = new BatchValidator();
    private final IndexEntry entry = new IndexEntry();
    private ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK);
    private long maxTimestampSoFar = -1;
    private long batchesValidated;
    private long truncatedBytes;
    private int segmentsDeleted;
    private String corruption;

    public LogLoader(Path dir, LogIndex index, LogConfig config, long nowMs) {
        this.dir = dir;
        this.index = index;
        this.config = config;
        this.nowMs = nowMs;
    }

    public Loaded load() throws IOException {
        Files.createDirectories(dir);
        PartitionState state = readState();
        TreeMap<Long, Segment> segments = openSegments();
        if (segments.isEmpty()) {
            long start = state == null ? 0 : Math.max(state.logStartOffset(), state.nextOffset());
            index.clear();
            Segment s = Segment.create(dir, start, config.segmentWriteMode(), config.segmentBytes());
            segments.put(start, s);
            PartitionState fresh = new PartitionState(start, start, start, state == null ? null : state.blob());
            index.writeState(fresh);
            return new Loaded(segments, start, start, -1, fresh.blob(),
                    new RecoveryReport(state == null, 0, start, 0, 0, null));
        }
        long firstBase = segments.firstKey();
        if (state == null) {
            index.clear();
        }
        index.removeBefore(firstBase);
        ValidationStart from = trustIndexedBatches(segments, state == null ? firstBase : state.recoveryPoint());
        long nextOffset = validateFrom(segments, from);
        Segment active = segments.lastEntry().getValue();
        active.openWriter(config.segmentWriteMode(), config.segmentBytes());
        for (Segment s : segments.tailMap(from.segment().baseOffset(), true).values()) {
            s.markDirty();
            s.force();
        }
        long logStart = state == null ? firstBase : Math.min(Math.max(state.logStartOffset(), firstBase), nextOffset);
        byte[] blob = state == null ? null : state.blob();
        index.writeState(new PartitionState(logStart, nextOffset, nextOffset, blob));
        RecoveryReport report = new RecoveryReport(state == null, batchesValidated, from.offset(), truncatedBytes,
                segmentsDeleted, corruption);
        if (corruption != null) {
            LOG.warn("Recovered {}: {} (truncated {} bytes, deleted {} later segments)", dir, corruption, truncatedBytes,
                    segmentsDeleted);
        }
        return new Loaded(segments, logStart, nextOffset, maxTimestampSoFar, blob, report);
    }

    /** Where byte-level validation starts: a batch boundary in {@code segment}. */
    private record ValidationStart(Segment segment, int position, long offset, long segmentMaxTimestamp) {
    }

    private PartitionState readState() {
        try {
            return index.readState();
        } catch (IllegalStateException e) {
            LOG.warn("Ignoring unreadable partition state of {} ({}); validating every segment", dir, e.getMessage());
            return null;
        }
    }

    private TreeMap<Long, Segment> openSegments() throws IOException {
        TreeMap<Long, Segment> segments = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (Segment.isSegmentFile(name)) {
                    Segment s = Segment.open(f);
                    segments.put(s.baseOffset(), s);
                } else if (!Files.isDirectory(f)) {
                    LOG.warn("Ignoring unexpected file {} in partition directory", f);
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Segment s : segments.values()) {
                s.close();
            }
            throw e;
        }
        return segments;
    }

    /**
     * Walks the batches below {@code recoveryPoint} through the index only, filling in the size and offsets
     * of the segments it covers. Returns where byte-level validation has to start: the first batch at or
     * above the recovery point, or the first place where the index does not describe the files
     * consistently (a gap in offsets or positions, an entry past the end of its file, a segment whose end
     * is not the next segment's base).
     */
    private ValidationStart trustIndexedBatches(TreeMap<Long, Segment> segments, long recoveryPoint) throws IOException {
        for (Segment s : segments.values()) {
            long fileSize = s.channel().size();
            long offset = s.baseOffset();
            int position = 0;
            long segMaxTs = -1;
            boolean found = index.ceilingBatch(s.baseOffset(), entry);
            while (found && entry.segmentBase() == s.baseOffset() && entry.baseOffset() == offset
                    && entry.position() == position && entry.endPosition() <= fileSize
                    && entry.nextOffset() <= recoveryPoint) {
                offset = entry.nextOffset();
                position = entry.endPosition();
                segMaxTs = Math.max(segMaxTs, entry.maxTimestamp());
                maxTimestampSoFar = Math.max(maxTimestampSoFar, entry.maxTimestamp());
                found = index.nextBatch(entry);
            }
            Long nextBase = segments.higherKey(s.baseOffset());
            boolean wholeSegment = position == fileSize && nextBase != null && offset == nextBase;
            if (!wholeSegment) {
                return new ValidationStart(s, position, offset, segMaxTs);
            }
            s.recovered(position, offset, segMaxTs, nowMs);
        }
        throw new IllegalStateException("the last segment always ends the walk");
    }

    /**
     * Validates every batch from {@code from} to the end of the log; returns the log end offset. The
     * segment holding {@code from} itself is never deleted, so at least one segment always remains.
     */
    private long validateFrom(TreeMap<Long, Segment> segments, ValidationStart from) throws IOException {
        index.removeFrom(from.offset());
        long expected = validateSegment(from.segment(), from.position(), from.offset(), from.segmentMaxTimestamp());
        List<Segment> doomed = new ArrayList<>();
        for (Segment s : segments.tailMap(from.segment().baseOffset(), false).values()) {
            if (corruption != null) {
                doomed.add(s);
            } else if (s.baseOffset() != expected) {
                corruption = "segment " + s.file().getFileName() + " starts at offset " + s.baseOffset()
                        + " but the log before it ends at " + expected;
                doomed.add(s);
            } else {
                expected = validateSegment(s, 0, s.baseOffset(), -1);
            }
        }
        for (Segment s : doomed) {
            segments.remove(s.baseOffset());
            truncatedBytes += s.channel().size();
            segmentsDeleted++;
            s.close();
            s.deleteFile();
        }
        index.removeFrom(expected);
        return expected;
    }

    /**
     * Validates the batches of one segment from {@code startPosition} (a batch boundary holding
     * {@code startOffset}); truncates the file at the first invalid one. Returns the segment's next offset.
     */
    private long validateSegment(Segment s, int startPosition, long startOffset, long segMaxTsBefore) throws IOException {
        long fileSize = s.channel().size();
        long position = startPosition;
        long expected = startOffset;
        long segMaxTs = segMaxTsBefore;
        while (position < fileSize) {
            String problem = readBatch(s, position, fileSize);
            if (problem == null) {
                long base = RecordBatchHeader.baseOffset(buf, 0);
                if (base != expected) {
                    problem = "batch at position " + position + " has base offset " + base + ", expected " + expected;
                }
            }
            if (problem != null) {
                if (!isZeroTail(problem)) {
                    corruption = s.file().getFileName() + ": " + problem;
                }
                break;
            }
            int size = buf.limit();
            int lastOffsetDelta = RecordBatchHeader.lastOffsetDelta(buf, 0);
            long maxTs = RecordBatchHeader.maxTimestamp(buf, 0);
            index.putBatch(expected, s.baseOffset(), (int) position, size, lastOffsetDelta, maxTs);
            if (maxTs > maxTimestampSoFar) {
                index.putTimestamp(maxTs, expected);
                maxTimestampSoFar = maxTs;
            }
            segMaxTs = Math.max(segMaxTs, maxTs);
            expected += lastOffsetDelta + 1L;
            position += size;
            batchesValidated++;
        }
        if (position < fileSize) {
            truncatedBytes += fileSize - position;
            s.channel().truncate(position);
        }
        s.recovered((int) position, expected, segMaxTs, nowMs);
        return expected;
    }

    private static final String ZERO_TAIL = "zero bytes";

    private static boolean isZeroTail(String problem) {
        return problem.startsWith(ZERO_TAIL);
    }

    /**
     * Reads the batch at {@code position} into {@link #buf} (position 0, limit = batch size) and validates it.
     * Returns null when it is valid, otherwise why not.
     */
    private String readBatch(Segment s, long position, long fileSize) throws IOException {
        long left = fileSize - position;
        if (left < RecordBatchHeader.LOG_OVERHEAD) {
            return "torn batch header: " + left + " bytes left at position " + position;
        }
        buf.clear().limit(RecordBatchHeader.LOG_OVERHEAD);
        readFully(s, position);
        int declared = RecordBatchHeader.declaredSize(buf, 0);
        if (declared == RecordBatchHeader.LOG_OVERHEAD && RecordBatchHeader.baseOffset(buf, 0) == 0) {
            return ZERO_TAIL + " at position " + position + " (preallocated space never written)";
        }
        if (declared < RecordBatchHeader.HEADER_SIZE || declared > left) {
            return "batch at position " + position + " declares " + declared + " bytes with " + left + " left in the file";
        }
        if (buf.capacity() < declared) {
            buf = ByteBuffer.allocate(Math.max(declared, buf.capacity() * 2));
        }
        buf.clear().limit(declared);
        readFully(s, position);
        try {
            validator.validate(buf, 0, declared, Integer.MAX_VALUE);
        } catch (LogException e) {
            return "batch at position " + position + " is invalid: " + e.getMessage();
        }
        return null;
    }

    private void readFully(Segment s, long position) throws IOException {
        buf.position(0);
        while (buf.hasRemaining()) {
            if (s.channel().read(buf, position + buf.position()) < 0) {
                throw new IOException("unexpected end of " + s.file());
            }
        }
        buf.flip();
    }
}
