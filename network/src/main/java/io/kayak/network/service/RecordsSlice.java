package io.kayak.network.service;

import java.nio.channels.FileChannel;

/**
 * Whole record batches lying in a file, to be sent without copying ({@code FileChannel.transferTo} /
 * Netty's {@code DefaultFileRegion}). The channel belongs to the partition log: senders must not close it.
 * Deleted segment files stay readable for {@code file.delete.delay.ms}, long enough for a send in flight.
 */
public record RecordsSlice(FileChannel channel, long position, int length) {
    public static final RecordsSlice EMPTY = new RecordsSlice(null, 0, 0);

    public boolean isEmpty() {
        return length == 0;
    }
}
