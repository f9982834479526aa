package io.kayak.metadata.quorum;

import io.kayak.metadata.record.MetadataRecord;
import io.kayak.metadata.record.RecordCodec;
import java.nio.ByteBuffer;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/** The client message of a proposal: deadline (wall-clock ms, 8 bytes) followed by the encoded record. */
public final class Proposal {
    public static final int DEADLINE_BYTES = 8;

    private Proposal() {
    }

    static Message encode(long deadlineMs, MetadataRecord record) {
        byte[] body = RecordCodec.encode(record);
        ByteBuffer buf = ByteBuffer.allocate(DEADLINE_BYTES + body.length).putLong(deadlineMs).put(body);
        return Message.valueOf(ByteString.copyFrom(buf.array()));
    }

    public static long deadlineMs(ByteString message) {
        return message.size() < DEADLINE_BYTES ? 0 : message.substring(0, DEADLINE_BYTES).asReadOnlyByteBuffer().getLong();
    }

    public static byte[] recordBytes(ByteString message) {
        return message.substring(DEADLINE_BYTES).toByteArray();
    }
}
