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
 * the first id of an allocated producer-id block) or refused with a code and a message.
 */
public record ApplyResult(MetadataErrorCode code, String message, long value) {
    public static final ApplyResult OK = new ApplyResult(MetadataErrorCode.NONE, "", 0);

    public static ApplyResult ok(long value) {
        return new ApplyResult(MetadataErrorCode.NONE, "", value);
    }

    public static ApplyResult refused(MetadataErrorCode code, String message) {
        return new ApplyResult(code, message, 0);
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static ApplyResult decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return new ApplyResult(MetadataErrorCode.values()[in.readByte()], Codec.readString(in), in.readLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
