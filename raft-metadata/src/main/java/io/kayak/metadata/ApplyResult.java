package io.kayak.metadata;

import io.kayak.metadata.record.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The outcome of applying one record, the same on every node: accepted (with an optional number, such as
 * the first id of an allocated producer-id block) or refused with a code and a message; {@code index} is
 * the record's log index, so a caller can wait until its own node has applied it (read-your-writes).
 */
public record ApplyResult(MetadataErrorCode code, String message, long value, long index) {
    public static final ApplyResult OK = new ApplyResult(MetadataErrorCode.NONE, "", 0, -1);

    public static ApplyResult ok(long value) {
        return new ApplyResult(MetadataErrorCode.NONE, "", value, -1);
    }

    public static ApplyResult refused(MetadataErrorCode code, String message) {
        return new ApplyResult(code, message, 0, -1);
    }

    /** The same outcome, stamped with the log index of the record it belongs to. */
    public ApplyResult at(long logIndex) {
        return new ApplyResult(code, message, value, logIndex);
    }

    public boolean accepted() {
        return code == MetadataErrorCode.NONE;
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(code.ordinal());
            Codec.writeString(out, message);
            out.writeLong(value);
            out.writeLong(index);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static ApplyResult decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return new ApplyResult(MetadataErrorCode.values()[in.readByte()], Codec.readString(in), in.readLong(), in.readLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
