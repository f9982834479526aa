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
 * The log and the baseline measured side by side in the same time window: every invocation appends one
 * batch through the baseline loop (FileChannel write, + force with fsync) and one through
 * {@link PartitionLog#append}, alternating which goes first, and adds each one's elapsed time to its own
 * counter. On a machine whose disk latency drifts by tens of percent between runs (a VM), this pairing is
 * what makes the ratio meaningful: both sides see the same disk at the same moment.
 *
 * <p>Read the {@code baselineNs} and {@code logNs} counters (ns spent per second of run): the throughput
 * ratio log/baseline is {@code baselineNs / logNs}, since both appended the same number of bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 5, time = 4)
public class PairedAppendBenchmark {
    static final int SEGMENT_BYTES = 256 << 20;

    @Param({"channel", "mmap"})
    public String mode;

    @Param({"16384", "65536"})
    public int batchBytes;

    @Param({"false", "true"})
    public boolean fsync;

    private ByteBuffer batch;
    private Path dir;
    private LogDir logDir;
    private PartitionLog log;
    private BaselineWriter baseline;
    private boolean logFirst;

    /** Nanoseconds spent in each side; JMH reports them per second of the run. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Time {
        public long baselineNs;
        public long logNs;
    }

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        batch = BenchFiles.batch(batchBytes);
        dir = BenchFiles.scratch("kayak-paired-");
        logDir = BenchFiles.openLogDir(dir.resolve("log"), mode, SEGMENT_BYTES, fsync);
        log = logDir.openLog("bench-0");
        baseline = new BaselineWriter(dir, SEGMENT_BYTES, fsync);
    }

    @Benchmark
    public long appendBoth(Time time) throws IOException {
        logFirst = !logFirst;
        long result;
        if (logFirst) {
            result = timeLog(time);
            result += timeBaseline(time);
        } else {
            result = timeBaseline(time);
            result += timeLog(time);
        }
        return result;
    }

    private long timeLog(Time time) {
        long start = System.nanoTime();
        long last = log.append(batch).lastOffset();
        time.logNs += System.nanoTime() - start;
        return last;
    }

    private long timeBaseline(Time time) throws IOException {
        long start = System.nanoTime();
        long position = baseline.write(batch);
        time.baselineNs += System.nanoTime() - start;
        return position;
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        logDir.close();
        baseline.close();
        FileTrees.delete(dir);
    }
}
