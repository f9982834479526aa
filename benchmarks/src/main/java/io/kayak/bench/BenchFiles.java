package io.kayak.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;

/** Shared set-up for the storage benchmarks: real Kafka batches and scratch directories. */
final class BenchFiles {
    static final int RECORD_BYTES = 1024;

    private BenchFiles() {
    }

    /** An uncompressed v2 batch of 1 KiB records, as many as fit in about {@code batchBytes}. */
    static ByteBuffer batch(int batchBytes) {
        int records = Math.max(1, batchBytes / (RECORD_BYTES + 16));
        SimpleRecord[] rs = new SimpleRecord[records];
        byte[] value = new byte[RECORD_BYTES];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        for (int i = 0; i < records; i++) {
            rs[i] = new SimpleRecord(System.currentTimeMillis(), ("key-" + i).getBytes(StandardCharsets.UTF_8), value);
        }
        return MemoryRecords.withRecords(Compression.NONE, rs).buffer();
    }

    /** A scratch directory under {@code kayak.bench.dir} (default: the system temp dir). */
    static Path scratch(String prefix) throws IOException {
        Path base = Path.of(System.getProperty("kayak.bench.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        return Files.createTempDirectory(base, prefix);
    }

    /** A log directory and its one partition, configured as the append benchmarks measure it. */
    static io.kayak.log.LogDir openLogDir(Path dir, String writeMode, int segmentBytes, boolean fsync) throws IOException {
        io.kayak.log.LogConfig config = io.kayak.log.LogConfig.from(java.util.Map.of(
                io.kayak.log.LogConfig.SEGMENT_WRITE_MODE, writeMode,
                io.kayak.log.LogConfig.SEGMENT_BYTES, Integer.toString(segmentBytes),
                io.kayak.log.LogConfig.FLUSH_POLICY, fsync ? "every-append" : "never"));
        return io.kayak.log.LogDir.open(dir, config, java.time.Clock.systemUTC(), null);
    }
}
