package io.kayak.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A run of whole record batches in one segment file, to be sent with zero copy
 * ({@code FileChannel.transferTo} or a Netty FileRegion that does not close the channel).
 *
 * <p>The channel belongs to the log: never close it. It stays readable for at least
 * {@code file.delete.delay.ms} after retention deletes the segment, so a slice handed out just before a
 * deletion can still be sent.
 *
 * @param channel     the segment file, readable by position; null when the slice is empty
 * @param position    where the first batch starts in the file
 * @param length      bytes of whole batches from {@code position}; 0 when there is nothing to read
 * @param firstOffset base offset of the first batch (may be below the requested offset: a batch is never split)
 * @param nextOffset  the offset following the last batch of the slice: where the next read continues
 */
public record LogSlice(FileChannel channel, long position, int length, long firstOffset, long nextOffset) {

    static LogSlice empty(long offset) {
        return new LogSlice(null, 0, 0, offset, offset);
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** Copies the slice into a new heap buffer. For tests and tools; the serving path transfers the channel. */
    public ByteBuffer copyBytes() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + buf.position());
            if (n < 0) {
                throw new IOException("segment ended " + buf.remaining() + " bytes before the end of the slice");
            }
        }
        return buf.flip();
    }
}
