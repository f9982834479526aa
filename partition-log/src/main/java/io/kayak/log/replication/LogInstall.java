package io.kayak.log.replication;

import io.kayak.log.AppendInfo;
import io.kayak.log.LogSlice;
import io.kayak.log.OffsetOutOfRangeException;
import io.kayak.log.PartitionLog;
import io.kayak.log.batch.RecordBatchHeader;
import io.kayak.log.internal.Checks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Installing a follower's partition log from its group leader, for a follower that needs Raft entries the
 * leader has purged (Ratis then notifies the follower's state machine instead of sending them).
 *
 * <p><b>Protocol</b>: Ratis read-only queries answered by the leader's state machine ({@link #serve}).
 * {@link #QUERY_STATE} returns the leader's log start offset and its last {@link RecordedState} (the snapshot
 * Ratis purged behind); {@link #QUERY_FETCH}(from, upTo, maxBytes) returns the log start offset and whole
 * batches from {@code from} below {@code upTo}. Only committed data is ever asked for: {@code upTo} is the
 * recorded high watermark.
 *
 * <p><b>Staging</b>: the follower downloads into {@code raft/install.tmp} without touching its log, fsyncs it
 * and renames it to {@link #READY} (atomic). Only then is the log changed ({@link #apply}): cut back to where
 * the download starts (or emptied and restarted there when it starts above this replica's committed data),
 * the batches appended as they are, and the leader's recorded state adopted; the file is deleted last. A
 * crash part-way leaves the ready file, and start-up applies it again, which gives the same result.
 *
 * <p>File format: magic(4) start(8) keepPrefix(1) stateLength(4) state({@link RecordedState}) then the batches
 * from {@code start} up to the recorded high watermark, back to back.
 */
final class LogInstall {
    static final byte QUERY_STATE = 1;
    static final byte QUERY_FETCH = 2;
    static final String READY = "raft/install.ready";
    private static final String STAGING = "raft/install.tmp";
    private static final int MAGIC = 0x4b494e53; // "KINS"
    /** Bytes asked for per fetch; a batch larger than this still comes whole. */
    static final int FETCH_BYTES_MAX = 1 << 20;

    /** Sends a query to the group's leader and returns its reply. */
    interface LeaderQuery {
        ByteBuffer ask(byte[] request) throws IOException;
    }

    private LogInstall() {
    }

    // ---------------------------------------------------------------- leader side

    /** Answers a query from a follower installing its log; {@code recorded} is this replica's state blob. */
    static byte[] serve(ByteBuffer query, PartitionLog log, byte[] recorded) throws IOException {
        byte kind = query.get();
        if (kind == QUERY_STATE) {
            return ByteBuffer.allocate(8 + recorded.length).putLong(log.logStartOffset()).put(recorded).array();
        }
        Checks.argument(kind == QUERY_FETCH, "unknown install query %s", kind);
        long from = query.getLong();
        long upTo = query.getLong();
        int maxBytes = query.getInt();
        try {
            LogSlice s = log.read(from, Math.min(maxBytes, FETCH_BYTES_MAX), upTo);
            ByteBuffer bytes = s.isEmpty() ? ByteBuffer.allocate(0) : s.copyBytes();
            return ByteBuffer.allocate(8 + bytes.remaining()).putLong(log.logStartOffset()).put(bytes).array();
        } catch (OffsetOutOfRangeException e) {
            return ByteBuffer.allocate(8).putLong(log.logStartOffset()).array();
        }
    }

    // ---------------------------------------------------------------- follower side

    /**
     * Downloads the leader's committed log from {@code committedEnd} (this replica's high watermark: below it
     * the logs are identical) up to the leader's recorded state into the ready file, and returns its path.
     *
     * @param minIndex the Raft index the recorded state must reach (the leader's first entry minus one)
     */
    static Path download(LeaderQuery leader, PartitionLog log, long committedEnd, long minIndex) throws IOException {
        ByteBuffer stateReply = leader.ask(new byte[] {QUERY_STATE});
        long leaderStart = stateReply.getLong();
        byte[] blob = new byte[stateReply.remaining()];
        stateReply.get(blob);
        RecordedState target = RecordedState.decode(blob, log.name());
        if (target == null || target.index() < minIndex) {
            throw new IOException("partition " + log.name() + ": the leader's recorded state "
                    + (target == null ? "is empty" : "is at Raft index " + target.index()) + ", it must reach " + minIndex);
        }
        Path staging = log.dir().resolve(STAGING);
        long start = Math.max(Math.min(committedEnd, target.highWatermark()), leaderStart);
        try (FileChannel out = FileChannel.open(staging, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (boolean done = false; !done; ) {
                out.truncate(0).position(0);
                writeHeader(out, start, start == committedEnd, blob);
                long restartAt = copyBatches(leader, out, start, target.highWatermark(), log.name());
                done = restartAt < 0;
                start = done ? start : restartAt;
            }
            out.force(true);
        }
        Path ready = log.dir().resolve(READY);
        Files.move(staging, ready, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(ready.getParent(), StandardOpenOption.READ)) {
            d.force(true);
        }
        return ready;
    }

    private static void writeHeader(FileChannel out, long start, boolean keepPrefix, byte[] blob) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(4 + 8 + 1 + 4 + blob.length).putInt(MAGIC).putLong(start)
                .put((byte) (keepPrefix ? 1 : 0)).putInt(blob.length).put(blob).flip();
        writeFully(out, h);
    }

    /** Copies batches [start, end); returns -1 when done, or the leader's new log start when it passed the cursor. */
    private static long copyBatches(LeaderQuery leader, FileChannel out, long start, long end, String name) throws IOException {
        long cursor = start;
        while (cursor < end) {
            ByteBuffer reply = leader.ask(ByteBuffer.allocate(1 + 8 + 8 + 4).put(QUERY_FETCH).putLong(cursor).putLong(end)
                    .putInt(FETCH_BYTES_MAX).array());
            long leaderStart = reply.getLong();
            if (!reply.hasRemaining()) {
                if (leaderStart > cursor) {
                    return leaderStart; // retention on the leader moved past the cursor: start again from there
                }
                throw new IOException("partition " + name + ": the leader returned nothing at offset " + cursor
                        + " below its recorded high watermark " + end);
            }
            for (int pos = reply.position(); pos < reply.limit(); ) {
                long base = reply.getLong(pos + RecordBatchHeader.BASE_OFFSET_OFFSET);
                Checks.state(base == cursor, "partition %s: the leader sent a batch at offset %s, expected %s", name, base,
                        cursor);
                cursor = base + RecordBatchHeader.lastOffsetDelta(reply, pos) + 1;
                pos += RecordBatchHeader.declaredSize(reply, pos);
            }
            writeFully(out, reply);
        }
        return -1;
    }

    /**
     * Applies a ready file to the log and deletes it: the log is cut back to the file's start (emptied and
     * restarted there when the prefix below it is not the leader's), the batches appended unchanged, and the
     * recorded state stored in the blob and made durable.
     */
    static RecordedState apply(Path ready, PartitionLog log) throws IOException {
        try (FileChannel in = FileChannel.open(ready, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(4 + 8 + 1 + 4);
            readFully(in, h, 0);
            h.flip();
            Checks.state(h.getInt() == MAGIC, "%s is not a log install file", ready);
            long start = h.getLong();
            boolean keepPrefix = h.get() == 1;
            byte[] blob = new byte[h.getInt()];
            readFully(in, ByteBuffer.wrap(blob), h.capacity());
            RecordedState state = RecordedState.decode(blob, log.name());
            if (keepPrefix && start >= log.logStartOffset() && start <= log.logEndOffset()) {
                log.truncateTo(start);
            } else {
                log.truncateFullyAndStartAt(start);
            }
            long position = h.capacity() + blob.length;
            ByteBuffer head = ByteBuffer.allocate(RecordBatchHeader.LOG_OVERHEAD);
            while (position < in.size()) {
                head.clear();
                readFully(in, head, position);
                int size = RecordBatchHeader.declaredSize(head, 0);
                ByteBuffer batch = ByteBuffer.allocate(size);
                readFully(in, batch, position);
                batch.flip();
                long base = batch.getLong(RecordBatchHeader.BASE_OFFSET_OFFSET);
                AppendInfo info = log.append(batch);
                Checks.state(info.firstOffset() == base, "partition %s: installed batch %s landed at %s", log.name(), base,
                        info.firstOffset());
                position += size;
            }
            log.setStateBlob(blob);
            log.flushWithState();
            Files.delete(ready);
            return state;
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    private static void readFully(FileChannel in, ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            int n = in.read(b, position);
            if (n < 0) {
                throw new IOException("install file ends early at " + position);
            }
            position += n;
        }
    }
}
