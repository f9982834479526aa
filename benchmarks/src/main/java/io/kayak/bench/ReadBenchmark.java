package io.kayak.bench;

import io.kayak.log.FileTrees;
import io.kayak.log.LogConfig;
import io.kayak.log.LogDir;
import io.kayak.log.LogSlice;
import io.kayak.log.PartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sequential read throughput through {@link PartitionLog#read} (index lookup, then a positional read of the
 * slice, as a fetch would send it) against a baseline measured in the same run: positional reads of the same
 * segment file in chunks of the same size. Both read into one reusable direct buffer, from the page cache
 * (the data is written once per trial and fits in memory).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class ReadBenchmark {
    static final int LOG_BYTES = 192 << 20;
    static final int SEGMENT_BYTES = 256 << 20;

    @Param({"baseline", "log"})
    public String target;

    @Param({"16384"})
    public int batchBytes;

    /** Bytes asked for per read, as a consumer's fetch.max.bytes share would. */
    @Param({"1048576"})
    public int readBytes;

    private Path dir;
    private LogDir logDir;
    private PartitionLog log;
    private FileChannel segment;
    private ByteBuffer sink;
    private long nextOffset;
    private long nextPosition;
    private long segmentSize;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchFiles.scratch("kayak-read-");
        LogConfig config = LogConfig.from(Map.of(
                LogConfig.SEGMENT_BYTES, Integer.toString(SEGMENT_BYTES),
                LogConfig.FLUSH_POLICY, "never"));
        logDir = LogDir.open(dir, config, Clock.systemUTC(), null);
        log = logDir.openLog("bench-0");
        ByteBuffer batch = BenchFiles.batch(batchBytes);
        while (log.sizeInBytes() < LOG_BYTES) {
            log.append(batch.duplicate());
        }
        log.flush();
        segment = FileChannel.open(dir.resolve("bench-0").resolve("00000000000000000000.log"), StandardOpenOption.READ);
        segmentSize = log.sizeInBytes();
        sink = ByteBuffer.allocateDirect(readBytes + 2 * batchBytes);
    }

    @Benchmark
    public int read(Bytes counter) throws IOException {
        sink.clear();
        int n;
        if (target.equals("log")) {
            if (nextOffset >= log.logEndOffset()) {
                nextOffset = 0;
            }
            LogSlice slice = log.read(nextOffset, readBytes, Long.MAX_VALUE);
            sink.limit(slice.length());
            n = 0;
            while (sink.hasRemaining()) {
                n += slice.channel().read(sink, slice.position() + n);
            }
            nextOffset = slice.nextOffset();
        } else {
            if (nextPosition >= segmentSize) {
                nextPosition = 0;
            }
            sink.limit((int) Math.min(readBytes, segmentSize - nextPosition));
            n = 0;
            while (sink.hasRemaining()) {
                n += segment.read(sink, nextPosition + n);
            }
            nextPosition += n;
        }
        counter.bytes += n;
        return n;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        segment.close();
        logDir.close();
        FileTrees.delete(dir);
    }
}
