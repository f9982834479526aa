package io.kayak.log.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** {@link SegmentWriter} by positional {@link FileChannel#write(ByteBuffer, long)}; the file grows with the data. */
final class ChannelSegmentWriter implements SegmentWriter {
    private final FileChannel channel;

    ChannelSegmentWriter(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(ByteBuffer src, int srcPos, int length, int filePosition) throws IOException {
        int savedPosition = src.position();
        int savedLimit = src.limit();
        try {
            src.limit(srcPos + length).position(srcPos);
            long at = filePosition;
            while (src.hasRemaining()) {
                at += channel.write(src, at);
            }
        } finally {
            src.limit(savedLimit).position(savedPosition);
        }
    }

    @Override
    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void truncate(int size, int writtenEnd) throws IOException {
        channel.truncate(size);
    }

    @Override
    public void close(int finalSize) throws IOException {
        if (channel.size() != finalSize) {
            channel.truncate(finalSize);
        }
    }
}
