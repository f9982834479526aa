package io.kayak.log.replication;

import io.kayak.log.batch.RecordBatchHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * The part of a records entry that goes into the Raft log: everything a replica needs to judge the entry
 * (framing, producer id, epoch and sequence range), not the batch bytes, which travel as the entry's state
 * machine data and are written once, into the partition log.
 *
 * <p>Format: type(1) = {@link PartitionEntry#RECORDS}, batches(4), bytes(4), producerId(8), producerEpoch(2),
 * firstSeq(4), lastSeq(4), problemLength(2), problem (UTF-8). {@code batches} is -1 when the bytes are not
 * whole batches; {@code problem} then says why, and every replica refuses the entry.
 */
record RecordsHeader(int batches, int bytes, long producerId, short producerEpoch, int firstSeq, int lastSeq,
                     String problem) {
    private static final int FIXED = 1 + 4 + 4 + 8 + 2 + 4 + 4 + 2;

    /**
     * Reads the framing and producer fields of {@code data} (whole v2 batches), leaving it unchanged. Several
     * idempotent batches form one entry only when the leader coalesced consecutive produce requests of one producer:
     * same producer id and epoch, each batch's first sequence following the previous batch's last without wrapping,
     * so the entry's sequence range maps one to one onto the offsets it is appended at.
     */
    static RecordsHeader of(ByteBuffer data) {
        int count = 0;
        int idempotent = 0;
        int start = data.position();
        boolean headed = data.remaining() >= RecordBatchHeader.HEADER_SIZE; // if not, the loop refuses the entry
        long pid = headed ? data.getLong(start + RecordBatchHeader.PRODUCER_ID_OFFSET) : -1;
        short epoch = headed ? data.getShort(start + RecordBatchHeader.PRODUCER_EPOCH_OFFSET) : -1;
        int firstSeq = headed ? data.getInt(start + RecordBatchHeader.BASE_SEQUENCE_OFFSET) : -1;
        int lastSeq = -1;
        for (int pos = start; pos < data.limit(); count++) {
            if (data.limit() - pos < RecordBatchHeader.HEADER_SIZE) {
                return invalid(data.remaining(), (data.limit() - pos) + " trailing bytes are no batch");
            }
            int size = RecordBatchHeader.declaredSize(data, pos);
            if (size < RecordBatchHeader.HEADER_SIZE || size > data.limit() - pos) {
                return invalid(data.remaining(), "batch at byte " + (pos - start) + " declares " + size + " bytes");
            }
            if (data.getLong(pos + RecordBatchHeader.PRODUCER_ID_OFFSET) >= 0) {
                idempotent++;
                int seq = data.getInt(pos + RecordBatchHeader.BASE_SEQUENCE_OFFSET);
                if (count > 0 && (data.getLong(pos + RecordBatchHeader.PRODUCER_ID_OFFSET) != pid
                        || data.getShort(pos + RecordBatchHeader.PRODUCER_EPOCH_OFFSET) != epoch
                        || lastSeq == Integer.MAX_VALUE || seq != lastSeq + 1)) {
                    return invalid(data.remaining(), "the idempotent batches of one entry must be consecutive batches of"
                            + " one producer; batch " + count + " is not");
                }
                lastSeq = seq + RecordBatchHeader.lastOffsetDelta(data, pos);
            }
            pos += size;
        }
        if (count == 0) {
            return invalid(0, "no batch");
        }
        if (idempotent > 0 && idempotent < count) {
            return invalid(data.remaining(), "an entry mixes idempotent and other batches");
        }
        return idempotent > 0 ? new RecordsHeader(count, data.remaining(), pid, epoch, firstSeq, lastSeq, null)
                : new RecordsHeader(count, data.remaining(), -1, epoch, firstSeq,
                firstSeq + RecordBatchHeader.lastOffsetDelta(data, start), null);
    }

    private static RecordsHeader invalid(int bytes, String problem) {
        return new RecordsHeader(-1, bytes, -1, (short) -1, -1, -1, problem);
    }

    boolean idempotent() {
        return producerId >= 0;
    }

    ByteString encode() {
        byte[] p = problem == null ? new byte[0] : problem.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(FIXED + p.length).put(PartitionEntry.RECORDS).putInt(batches).putInt(bytes)
                .putLong(producerId).putShort(producerEpoch).putInt(firstSeq).putInt(lastSeq).putShort((short) p.length).put(p);
        return UnsafeByteOperations.unsafeWrap(b.array());
    }

    static RecordsHeader decode(ByteString logData) {
        ByteBuffer b = logData.asReadOnlyByteBuffer();
        if (b.remaining() < FIXED || b.get() != PartitionEntry.RECORDS) {
            throw new IllegalArgumentException("not a records entry header: " + logData.size() + " bytes");
        }
        int batches = b.getInt();
        int bytes = b.getInt();
        long pid = b.getLong();
        short epoch = b.getShort();
        int firstSeq = b.getInt();
        int lastSeq = b.getInt();
        byte[] p = new byte[b.getShort()];
        b.get(p);
        return new RecordsHeader(batches, bytes, pid, epoch, firstSeq, lastSeq,
                p.length == 0 ? null : new String(p, StandardCharsets.UTF_8));
    }
}
