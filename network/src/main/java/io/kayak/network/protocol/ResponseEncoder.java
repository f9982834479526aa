package io.kayak.network.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * Serializes a response (size prefix, response header, body) with kafka-clients' generated message classes
 * into the pieces Netty writes in order: buffers for the protocol fields and, for {@link SliceRecords}, file
 * regions of the segments themselves (zero-copy fetch).
 */
public final class ResponseEncoder {
    private ResponseEncoder() {
    }

    /** A response ready to write: its parts in order (ByteBufs and file regions) and its size on the wire. */
    public record Encoded(List<Object> parts, int bytes) {
        /** Releases parts that were not written. */
        public void release() {
            parts.forEach(ReferenceCountUtil::safeRelease);
        }
    }

    public static Encoded encode(ByteBufAllocator alloc, ApiKeys key, short version, int correlationId, ApiMessage body) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        short headerVersion = key.responseHeaderVersion(version);
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        PartsWriter w = new PartsWriter(alloc);
        try {
            w.writeInt(size);
            header.write(w, cache, headerVersion);
            body.write(w, cache, version);
            return new Encoded(w.finish(), 4 + size);
        } catch (RuntimeException e) {
            w.release();
            throw e;
        }
    }

    /** A {@link Writable} into a list of buffers, cut wherever a segment region goes in between. */
    private static final class PartsWriter implements Writable {
        private static final int CHUNK = 256;
        private final ByteBufAllocator alloc;
        private final List<Object> parts = new ArrayList<>();
        private ByteBuf current;

        PartsWriter(ByteBufAllocator alloc) {
            this.alloc = alloc;
            this.current = alloc.buffer(CHUNK);
        }

        List<Object> finish() {
            if (current.isReadable()) {
                parts.add(current);
            } else {
                current.release();
            }
            current = null;
            return parts;
        }

        void release() {
            if (current != null) {
                current.release();
            }
            parts.forEach(ReferenceCountUtil::safeRelease);
        }

        @Override
        public void writeByte(byte val) {
            current.writeByte(val);
        }

        @Override
        public void writeShort(short val) {
            current.writeShort(val);
        }

        @Override
        public void writeInt(int val) {
            current.writeInt(val);
        }

        @Override
        public void writeLong(long val) {
            current.writeLong(val);
        }

        @Override
        public void writeDouble(double val) {
            current.writeDouble(val);
        }

        @Override
        public void writeByteArray(byte[] arr) {
            current.writeBytes(arr);
        }

        @Override
        public void writeUnsignedVarint(int i) {
            int v = i;
            while ((v & 0xffffff80) != 0) {
                current.writeByte((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            current.writeByte(v);
        }

        @Override
        public void writeByteBuffer(ByteBuffer buf) {
            current.writeBytes(buf.duplicate());
        }

        @Override
        public void writeVarint(int i) {
            writeUnsignedVarint((i << 1) ^ (i >> 31));
        }

        @Override
        public void writeVarlong(long i) {
            long v = (i << 1) ^ (i >> 63);
            while ((v & 0xffffffffffffff80L) != 0L) {
                current.writeByte(((int) v & 0x7f) | 0x80);
                v >>>= 7;
            }
            current.writeByte((int) v);
        }

        @Override
        public void writeUuid(Uuid uuid) {
            current.writeLong(uuid.getMostSignificantBits());
            current.writeLong(uuid.getLeastSignificantBits());
        }

        @Override
        public void writeRecords(BaseRecords records) {
            if (records instanceof MemoryRecords m) {
                writeByteBuffer(m.buffer());
            } else if (records instanceof SliceRecords s) {
                if (s.slice().isEmpty()) {
                    return;
                }
                parts.add(current);
                parts.add(new SegmentRegion(s.slice()));
                current = alloc.buffer(CHUNK);
            } else {
                throw new UnsupportedOperationException("cannot encode records of type " + records.getClass().getName());
            }
        }
    }
}
