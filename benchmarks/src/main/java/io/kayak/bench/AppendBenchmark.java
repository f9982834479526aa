package io.kayak.bench;

import io.kayak.log.FileTrees;
import io.kayak.log.LogDir;
import io.kayak.log.PartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
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
 * Append throughput of {@link PartitionLog} in each segment write mode against a baseline measured in the
 * same run: a plain FileChannel write (+ force) loop writing the same batch bytes into files rolled at the
 * same size. One op = one batch; the {@code bytes} counter gives MB/s directly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class AppendBenchmark {
    static final int SEGMENT_BYTES = 256 << 20;

    /** What writes the bytes: the baseline loop, or the log with one of its write modes. */
    @Param({"baseline", "channel", "mmap"})
    public String target;

    @Param({"16384", "65536"})
    public int batchBytes;

    @Param({"false", "true"})
    public boolean fsync;

    private ByteBuffer batch;
    private Path dir;
    private LogDir logDir;
    private PartitionLog log;
    private BaselineWriter baseline;

    /** Bytes appended, reported by JMH as a rate next to ops/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;
    }

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        batch = BenchFiles.batch(batchBytes);
        dir = BenchFiles.scratch("kayak-append-");
        if (target.equals("baseline")) {
            baseline = new BaselineWriter(dir, SEGMENT_BYTES, fsync);
        } else {
            logDir = BenchFiles.openLogDir(dir, target, SEGMENT_BYTES, fsync);
            log = logDir.openLog("bench-0");
        }
    }

    @Benchmark
    public long append(Bytes counter) throws IOException {
        int size = batch.remaining();
        counter.bytes += size;
        if (log != null) {
            return log.append(batch).lastOffset();
        }
        return baseline.write(batch);
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        if (logDir != null) {
            logDir.close();
            logDir = null;
            log = null;
        }
        if (baseline != null) {
            baseline.close();
            baseline = null;
        }
        FileTrees.delete(dir);
    }
}
