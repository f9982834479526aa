package io.kayak.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * Real Kafka v2 record batches built with kafka-clients' own record classes, as a producer would send them
 * (base offset 0), and helpers to read a log's bytes back through the same classes.
 */
public final class Batches {
    private Batches() {
    }

    /** A batch of {@code records} records whose values are "v-{firstValue + i}" padded to {@code valueBytes}. */
    public static ByteBuffer of(int records, int valueBytes, long firstValue, long timestamp) {
        return of(Compression.NONE, records, valueBytes, firstValue, timestamp);
    }

    public static ByteBuffer of(Compression compression, int records, int valueBytes, long firstValue, long timestamp) {
        SimpleRecord[] rs = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            rs[i] = new SimpleRecord(timestamp + i, ("k" + i).getBytes(StandardCharsets.UTF_8), value(firstValue + i, valueBytes));
        }
        return MemoryRecords.withRecords(compression, rs).buffer();
    }

    /** The value {@link #of} gives the record numbered {@code n}. */
    public static byte[] value(long n, int valueBytes) {
        byte[] head = ("v-" + n + "-").getBytes(StandardCharsets.UTF_8);
        byte[] v = new byte[Math.max(valueBytes, head.length)];
        System.arraycopy(head, 0, v, 0, head.length);
        for (int i = head.length; i < v.length; i++) {
            v[i] = (byte) ('a' + (n + i) % 26);
        }
        return v;
    }

    /** Parses every batch in {@code buf}, checking each CRC the way a consumer does. */
    public static List<MutableRecordBatch> parse(ByteBuffer buf) {
        List<MutableRecordBatch> out = new ArrayList<>();
        for (MutableRecordBatch b : MemoryRecords.readableRecords(buf).batches()) {
            b.ensureValid();
            out.add(b);
        }
        return out;
    }

    /** Every record in the slice, in order, with CRCs checked. */
    public static List<Record> records(LogSlice slice) throws java.io.IOException {
        List<Record> out = new ArrayList<>();
        for (RecordBatch b : parse(slice.copyBytes())) {
            for (Record r : b) {
                out.add(r);
            }
        }
        return out;
    }

    public static String valueString(Record r) {
        byte[] b = new byte[r.valueSize()];
        r.value().duplicate().get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
