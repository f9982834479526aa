package io.kayak.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The baseline every append benchmark compares against: a plain FileChannel write loop (plus
 * {@code force(false)} with fsync) of the same bytes, into files rolled at the same size as the log's segments.
 */
final class BaselineWriter implements AutoCloseable {
    private final Path dir;
    private final int fileBytes;
    private final boolean fsync;
    private FileChannel channel;
    private long position;
    private int files;

    BaselineWriter(Path dir, int fileBytes, boolean fsync) throws IOException {
        this.dir = dir;
        this.fileBytes = fileBytes;
        this.fsync = fsync;
        roll();
    }

    private void roll() throws IOException {
        if (channel != null) {
            channel.close();
        }
        channel = FileChannel.open(dir.resolve("baseline-" + files++ + ".log"),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
        position = 0;
    }

    /** Writes the batch's remaining bytes (the buffer itself is not moved); returns the file position after it. */
    long write(ByteBuffer batch) throws IOException {
        if (position + batch.remaining() > fileBytes) {
            roll();
        }
        ByteBuffer src = batch.duplicate();
        while (src.hasRemaining()) {
            position += channel.write(src, position);
        }
        if (fsync) {
            channel.force(false);
        }
        return position;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
