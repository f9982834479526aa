package io.kayak.network.protocol;

import io.kayak.network.service.RecordsSlice;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.RecordsSend;

/**
 * Record batches still in a segment file, as a Fetch response's records field: {@link ResponseEncoder} sends
 * them as a file region (sendfile with epoll), so fetched bytes never pass through the heap.
 */
public record SliceRecords(RecordsSlice slice) implements BaseRecords {
    @Override
    public int sizeInBytes() {
        return slice.length();
    }

    @Override
    public RecordsSend<? extends BaseRecords> toSend() {
        throw new UnsupportedOperationException("segment slices are sent by Kayak's Netty encoder");
    }
}
