package io.kayak.log.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The durable record of outcomes a restarted replica cannot read off its log tail: which Raft index was a
 * duplicate, was refused, or came as GONE (its offsets restarted the log). An entry that appended its batches is
 * not journaled when written: on start, the state machine pairs the records headers of its own Raft log with the
 * batches at the tail. A {@link #rewrite} (after a snapshot or a truncation) holds every outcome still kept,
 * appended ones included, for the entries a follower may still ask for.
 *
 * <p>Format: fixed-size records, {@link WrittenEntry#BYTES} bytes of entry then CRC32C(4) of them. A torn or
 * corrupt record ends the journal: it and everything after it are dropped on open. Appends are buffered by
 * the OS and made durable by {@link #force()}, which the state machine calls before Ratis fsyncs its own log;
 * {@link #rewrite} replaces the whole file atomically (after a truncation or a snapshot).
 *
 * <p>Not thread-safe: the state machine calls it under its lock.
 */
final class EntryJournal implements AutoCloseable {
    static final int RECORD_BYTES = WrittenEntry.BYTES + 4;

    private final Path file;
    private FileChannel channel;
    private final ByteBuffer record = ByteBuffer.allocate(RECORD_BYTES);
    private final CRC32C crc = new CRC32C();

    private EntryJournal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    static EntryJournal open(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new EntryJournal(file, ch);
    }

    /** Every intact record, in order; a torn tail is cut off the file. */
    List<WrittenEntry> readAll() throws IOException {
        List<WrittenEntry> out = new ArrayList<>();
        long size = channel.size();
        long pos = 0;
        ByteBuffer b = ByteBuffer.allocate(RECORD_BYTES);
        while (pos + RECORD_BYTES <= size) {
            b.clear();
            while (b.hasRemaining() && channel.read(b, pos + b.position()) > 0) {
                // keep reading
            }
            b.flip();
            crc.reset();
            crc.update(b.array(), 0, WrittenEntry.BYTES);
            if (b.getInt(WrittenEntry.BYTES) != (int) crc.getValue()) {
                break;
            }
            out.add(WrittenEntry.readFrom(b));
            pos += RECORD_BYTES;
        }
        channel.truncate(pos);
        channel.position(pos);
        return out;
    }

    void append(WrittenEntry e) throws IOException {
        encode(e);
        while (record.hasRemaining()) {
            channel.write(record);
        }
    }

    private void encode(WrittenEntry e) {
        record.clear();
        e.writeTo(record);
        crc.reset();
        crc.update(record.array(), 0, WrittenEntry.BYTES);
        record.putInt((int) crc.getValue()).flip();
    }

    void force() throws IOException {
        channel.force(false);
    }

    /** Replaces the journal with {@code entries}, atomically and durably. */
    void rewrite(Collection<WrittenEntry> entries) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (WrittenEntry e : entries) {
                encode(e);
                while (record.hasRemaining()) {
                    out.write(record);
                }
            }
            out.force(false);
        }
        channel.close();
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        channel.position(channel.size());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
