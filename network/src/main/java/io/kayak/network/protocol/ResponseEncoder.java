package io.kayak.network.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/** Serializes a response (size prefix, response header, body) with kafka-clients' generated message classes. */
public final class ResponseEncoder {
    private ResponseEncoder() {
    }

    /** The whole frame for {@code body} answering request {@code correlationId} of {@code key} at {@code version}. */
    public static ByteBuf encode(ByteBufAllocator alloc, ApiKeys key, short version, int correlationId, ApiMessage body) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        short headerVersion = key.responseHeaderVersion(version);
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        ByteBuf out = alloc.buffer(4 + size);
        try {
            ByteBuffer nio = out.nioBuffer(0, 4 + size);
            nio.putInt(size);
            ByteBufferAccessor accessor = new ByteBufferAccessor(nio);
            header.write(accessor, cache, headerVersion);
            body.write(accessor, cache, version);
            out.writerIndex(4 + size);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
