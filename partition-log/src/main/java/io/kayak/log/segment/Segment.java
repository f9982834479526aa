package io.kayak.log.segment;

import io.kayak.log.SegmentWriteMode;
import io.kayak.log.batch.RecordBatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * One segment file of a partition: Kafka v2 record batches back to back, exactly as producers sent them
 * except for the base offset the log assigned. The file is named by the offset of its first batch,
 * {@link #fileName(long) 20 digits}{@value #SUFFIX}.
 *
 * <p>Invariants: batches are contiguous from position 0 to {@link #size()}; offsets are dense from
 * {@link #baseOffset()} to {@link #nextOffset()}. Only the active segment has a writer; a sealed
 * segment's file is exactly {@link #size()} bytes.
 *
 * <p>Thread model: mutated only under the owning log's lock. {@link #channel()} may be read by any thread
 * with positional reads, which is how fetches send bytes with zero copy. The segment owns its channel;
 * {@link #close()} closes it.
 */
public final class Segment implements AutoCloseable {
    public static final String SUFFIX = ".log";
    private static final int NAME_DIGITS = 20;
    /** A stamped append's head: the batch header up to and including partitionLeaderEpoch, which the CRC does not cover. */
    public static final int STAMPED_HEAD_BYTES = RecordBatchHeader.PARTITION_LEADER_EPOCH_OFFSET + 4;

    private final long baseOffset;
    private final Path file;
    private final FileChannel channel;
    private SegmentWriter writer;
    private int size;
    private long nextOffset;
    private long maxTimestamp = -1;
    private long firstAppendMs = -1;
    private boolean dirty;

    private Segment(long baseOffset, Path file, FileChannel channel) {
        this.baseOffset = baseOffset;
        this.file = file;
        this.channel = channel;
        this.nextOffset = baseOffset;
    }

    /** Creates a new, empty segment file (failing if it exists) and opens it for appends. */
    public static Segment create(Path dir, long baseOffset, SegmentWriteMode mode, int capacity) throws IOException {
        Path file = dir.resolve(fileName(baseOffset));
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Segment s = new Segment(baseOffset, file, ch);
        s.openWriter(mode, capacity);
        s.dirty = true;
        return s;
    }

    /** Opens an existing segment file; its size and offsets are set by recovery. */
    public static Segment open(Path file) throws IOException {
        long base = parseBaseOffset(file.getFileName().toString());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Segment s = new Segment(base, file, ch);
        s.size = (int) Math.min(Integer.MAX_VALUE, ch.size());
        return s;
    }

    public static String fileName(long baseOffset) {
        return String.format(Locale.ROOT, "%0" + NAME_DIGITS + "d", baseOffset) + SUFFIX;
    }

    /** True for names of the form produced by {@link #fileName(long)}. */
    public static boolean isSegmentFile(String name) {
        if (name.length() != NAME_DIGITS + SUFFIX.length() || !name.endsWith(SUFFIX)) {
            return false;
        }
        for (int i = 0; i < NAME_DIGITS; i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    public static long parseBaseOffset(String name) {
        if (!isSegmentFile(name)) {
            throw new IllegalArgumentException("not a segment file name: " + name);
        }
        return Long.parseLong(name.substring(0, NAME_DIGITS));
    }

    /** Opens the writer of the active segment, positioned at {@link #size()}. */
    public void openWriter(SegmentWriteMode mode, int capacity) throws IOException {
        writer = mode == SegmentWriteMode.MMAP
                ? new MappedSegmentWriter(channel, Math.max(capacity, size), size)
                : new ChannelSegmentWriter(channel);
    }

    /** Appends the batch at {@code src[srcPos, srcPos + length)}; returns the file position it was written at. */
    public int append(ByteBuffer src, int srcPos, int length, long batchNextOffset, long batchMaxTimestamp, long nowMs)
            throws IOException {
        int position = size;
        writer.write(src, srcPos, length, position);
        return appended(position, length, batchNextOffset, batchMaxTimestamp, nowMs);
    }

    private int appended(int position, int length, long batchNextOffset, long batchMaxTimestamp, long nowMs) {
        size += length;
        nextOffset = batchNextOffset;
        maxTimestamp = Math.max(maxTimestamp, batchMaxTimestamp);
        if (firstAppendMs < 0) {
            firstAppendMs = nowMs;
        }
        dirty = true;
        return position;
    }

    /**
     * Appends the batch at {@code src[srcPos, srcPos + length)} with its first {@link #STAMPED_HEAD_BYTES} bytes
     * taken from {@code head} instead (from index 0; neither buffer is written to); returns the file position it
     * was written at.
     */
    public int append(ByteBuffer head, ByteBuffer src, int srcPos, int length, long batchNextOffset,
                      long batchMaxTimestamp, long nowMs) throws IOException {
        int position = size;
        writer.write(head, 0, STAMPED_HEAD_BYTES, position);
        writer.write(src, srcPos + STAMPED_HEAD_BYTES, length - STAMPED_HEAD_BYTES, position + STAMPED_HEAD_BYTES);
        return appended(position, length, batchNextOffset, batchMaxTimestamp, nowMs);
    }

    /** Makes the segment's bytes durable; a no-op when nothing was written since the last force. */
    public void force() throws IOException {
        if (!dirty) {
            return;
        }
        if (writer != null) {
            writer.force();
        } else {
            channel.force(false);
        }
        dirty = false;
    }

    /** Stops appends: trims the file to {@link #size()} and releases the writer. */
    public void seal() throws IOException {
        if (writer != null) {
            SegmentWriter w = writer;
            writer = null;
            w.close(size);
        }
    }

    /** Drops every byte at or after {@code position} (a batch boundary) and fsyncs the truncation. */
    public void truncateTo(int position, long newNextOffset, long newMaxTimestamp) throws IOException {
        if (writer != null) {
            writer.truncate(position, size);
            writer.force();
        } else {
            channel.truncate(position);
            channel.force(false);
        }
        size = position;
        nextOffset = newNextOffset;
        maxTimestamp = newMaxTimestamp;
        if (size == 0) {
            firstAppendMs = -1;
        }
    }

    /** Sets the state recovery found in the file; the file itself must already be {@code size} bytes of batches. */
    public void recovered(int size, long nextOffset, long maxTimestamp, long nowMs) {
        this.size = size;
        this.nextOffset = nextOffset;
        this.maxTimestamp = maxTimestamp;
        this.firstAppendMs = size > 0 ? nowMs : -1;
    }

    public long baseOffset() {
        return baseOffset;
    }

    public Path file() {
        return file;
    }

    public FileChannel channel() {
        return channel;
    }

    /** Bytes of valid batches in the file. */
    public int size() {
        return size;
    }

    public long nextOffset() {
        return nextOffset;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public boolean isActive() {
        return writer != null;
    }

    /** The largest batch timestamp in the segment, or -1 when it has no timestamped batch. */
    public long maxTimestamp() {
        return maxTimestamp;
    }

    /** Clock time of the first append to this segment since it was created or recovered; -1 when empty. */
    public long firstAppendMs() {
        return firstAppendMs;
    }

    public boolean isDirty() {
        return dirty;
    }

    public void markDirty() {
        dirty = true;
    }

    /** Unlinks the file. Open channels keep reading it until {@link #close()}. */
    public void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public void close() throws IOException {
        try {
            seal();
        } finally {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "Segment[" + file.getFileName() + ", size=" + size + ", next=" + nextOffset + (isActive() ? ", active" : "") + "]";
    }
}
