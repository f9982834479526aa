package io.kayak.network.protocol;

import io.kayak.network.service.RecordsSlice;
import io.netty.channel.DefaultFileRegion;

/**
 * A region of a segment file for Netty to send (sendfile with epoll). Unlike its parent it never closes the
 * file: the channel belongs to the partition log, which closes a segment only after readers are done with it
 * (its file delete delay). If the log closed it anyway, the transfer fails and only this connection closes.
 */
final class SegmentRegion extends DefaultFileRegion {
    SegmentRegion(RecordsSlice slice) {
        super(slice.channel(), slice.position(), slice.length());
    }

    @Override
    protected void deallocate() {
        // the partition log owns the channel
    }
}
