package io.kayak.log.batch;

import io.kayak.log.BatchTooLargeException;
import io.kayak.log.InvalidBatchException;
import io.kayak.log.InvalidBatchException.Reason;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Validates one Kafka v2 record batch: lengths, magic, offset/record-count agreement, size limit and
 * CRC-32C. Used on append (before anything reaches the disk) and again on recovery (before a batch
 * found on disk is trusted).
 *
 * <p>Thread model: not thread-safe (it reuses one {@link CRC32C}); one instance per owner thread or lock.
 * Allocates nothing per batch.
 */
public final class BatchValidator {
    private final CRC32C crc = new CRC32C();

    /**
     * Validates the batch that occupies exactly {@code buf[start, start + length)}.
     *
     * @param maxBatchBytes the largest accepted batch ({@code message.max.bytes})
     * @return the batch size, equal to {@code length}
     * @throws InvalidBatchException if the bytes are not one well-formed, intact v2 batch
     * @throws BatchTooLargeException if the batch is larger than {@code maxBatchBytes}
     */
    public int validate(ByteBuffer buf, int start, int length, int maxBatchBytes) {
        if (length < RecordBatchHeader.HEADER_SIZE) {
            throw new InvalidBatchException(Reason.TOO_SHORT,
                    "record batch of " + length + " bytes is shorter than the v2 header of "
                            + RecordBatchHeader.HEADER_SIZE + " bytes");
        }
        int declared = RecordBatchHeader.declaredSize(buf, start);
        if (declared != length) {
            throw new InvalidBatchException(Reason.LENGTH_MISMATCH,
                    "record batch declares " + declared + " bytes but " + length + " were given");
        }
        byte magic = RecordBatchHeader.magic(buf, start);
        if (magic != RecordBatchHeader.MAGIC_V2) {
            throw new InvalidBatchException(Reason.BAD_MAGIC,
                    "record batch has magic " + magic + "; only magic " + RecordBatchHeader.MAGIC_V2 + " is accepted");
        }
        if (length > maxBatchBytes) {
            throw new BatchTooLargeException(length, maxBatchBytes);
        }
        int count = RecordBatchHeader.recordsCount(buf, start);
        int lastOffsetDelta = RecordBatchHeader.lastOffsetDelta(buf, start);
        if (count <= 0 || lastOffsetDelta != count - 1) {
            throw new InvalidBatchException(Reason.BAD_RECORD_COUNT,
                    "record batch has " + count + " records but lastOffsetDelta " + lastOffsetDelta);
        }
        long computed = crc32c(buf, start + RecordBatchHeader.ATTRIBUTES_OFFSET, length - RecordBatchHeader.ATTRIBUTES_OFFSET);
        long stored = RecordBatchHeader.storedCrc(buf, start);
        if (computed != stored) {
            throw new InvalidBatchException(Reason.BAD_CRC,
                    "record batch CRC-32C is " + Long.toHexString(computed) + " but the header says " + Long.toHexString(stored));
        }
        return length;
    }

    private long crc32c(ByteBuffer buf, int from, int length) {
        int savedPosition = buf.position();
        int savedLimit = buf.limit();
        try {
            buf.limit(from + length).position(from);
            crc.reset();
            crc.update(buf);
            return crc.getValue();
        } finally {
            buf.limit(savedLimit).position(savedPosition);
        }
    }
}
