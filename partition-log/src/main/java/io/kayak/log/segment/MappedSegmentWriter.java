package io.kayak.log.segment;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * {@link SegmentWriter} through a memory mapping of the whole segment. The file is extended (sparse) to
 * the mapping's capacity when the writer opens, and trimmed to its real size when it closes. After a
 * crash the file keeps its extended size; recovery stops at the zero bytes past the last batch.
 *
 * <p>The mapping is released eagerly through {@code sun.misc.Unsafe#invokeCleaner} where the JDK offers it,
 * otherwise when the buffer is garbage collected.
 */
final class MappedSegmentWriter implements SegmentWriter {
    private static final byte[] ZEROS = new byte[64 * 1024];
    private static final Method INVOKE_CLEANER;
    private static final Object UNSAFE;

    static {
        Method m = null;
        Object unsafe = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            m = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            m = null;
            unsafe = null;
        }
        INVOKE_CLEANER = m;
        UNSAFE = unsafe;
    }

    private final FileChannel channel;
    private MappedByteBuffer map;
    private int forcedUpTo;
    private int writtenEnd;

    MappedSegmentWriter(FileChannel channel, int capacity, int currentSize) throws IOException {
        this.channel = channel;
        this.map = channel.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
        this.forcedUpTo = currentSize;
        this.writtenEnd = currentSize;
    }

    @Override
    public void write(ByteBuffer src, int srcPos, int length, int filePosition) {
        map.put(filePosition, src, srcPos, length);
        writtenEnd = Math.max(writtenEnd, filePosition + length);
    }

    @Override
    public void force() {
        if (writtenEnd > forcedUpTo) {
            map.force(forcedUpTo, writtenEnd - forcedUpTo);
            forcedUpTo = writtenEnd;
        }
    }

    @Override
    public void truncate(int size, int end) {
        int until = Math.max(end, writtenEnd);
        for (int pos = size; pos < until; pos += ZEROS.length) {
            map.put(pos, ZEROS, 0, Math.min(ZEROS.length, until - pos));
        }
        if (until > size) {
            map.force(size, until - size);
        }
        writtenEnd = size;
        forcedUpTo = Math.min(forcedUpTo, size);
    }

    @Override
    public void close(int finalSize) throws IOException {
        MappedByteBuffer m = map;
        map = null;
        release(m);
        if (channel.size() != finalSize) {
            channel.truncate(finalSize);
        }
    }

    private static void release(MappedByteBuffer m) {
        if (m != null && INVOKE_CLEANER != null) {
            try {
                INVOKE_CLEANER.invoke(UNSAFE, m);
            } catch (ReflectiveOperationException e) {
                // The GC will unmap it.
            }
        }
    }
}
