package io.kayak.log.segment;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes the active segment. Two implementations exist so the faster one can be chosen by measurement
 * ({@link io.kayak.log.SegmentWriteMode}); both leave the file readable through the segment's FileChannel
 * at every moment, because reads never go through the writer.
 *
 * <p>Thread model: confined to the owning log's lock. Owned and closed by its {@link Segment}.
 */
interface SegmentWriter {

    /** Writes {@code src[srcPos, srcPos + length)} at {@code filePosition}; the source buffer's position is unchanged. */
    void write(ByteBuffer src, int srcPos, int length, int filePosition) throws IOException;

    /** Makes every byte written so far durable. */
    void force() throws IOException;

    /** Discards everything at or after {@code size}, so that no stale batch can ever be found there again. */
    void truncate(int size, int writtenEnd) throws IOException;

    /** Leaves the file exactly {@code finalSize} bytes long and releases the writer's resources. */
    void close(int finalSize) throws IOException;
}
