package io.kayak.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.record.Record;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills a child JVM that appends with fsync-per-append (SIGKILL, at random moments, several rounds), then
 * reopens the log and checks that every batch the child reported durable is intact, offsets are dense,
 * nothing past a torn point is served, and appends continue.
 */
@Tag("integration")
class CrashRecoveryTest {
    private static final int ROUNDS = 6;
    private static final long CHILD_DEADLINE_MS = 60_000;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(SegmentWriteMode.class)
    void everyReportedFlushSurvivesSigkill(SegmentWriteMode mode) throws Exception {
        Random random = new Random();
        long seed = random.nextLong();
        long highestReported = -1;
        for (int round = 0; round < ROUNDS; round++) {
            int killAfter = 20 + random.nextInt(400);
            long reported = runChildAndKill(mode, seed + round, killAfter);
            highestReported = Math.max(highestReported, reported);
            long end = verify(mode, highestReported, "seed " + seed + " round " + round);
            assertTrue(end > highestReported, "round " + round + ": log end " + end + " lost reported offset " + highestReported);
        }
    }

    /** Starts the child, lets it report {@code killAfter} flushes, kills it with SIGKILL; returns the highest reported offset. */
    private long runChildAndKill(SegmentWriteMode mode, long seed, int killAfter) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(), tmp.toString(), mode.name().toLowerCase(java.util.Locale.ROOT), Long.toString(seed))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process child = pb.start();
        long highest = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.currentTimeMillis() + CHILD_DEADLINE_MS;
            int flushes = 0;
            String line;
            while (flushes < killAfter && (line = out.readLine()) != null) {
                assertTrue(System.currentTimeMillis() < deadline, "child made too little progress before the deadline");
                if (line.startsWith("flushed ")) {
                    highest = Long.parseLong(line.substring("flushed ".length()));
                    flushes++;
                }
            }
            assertEquals(killAfter, flushes, "child died before it was killed; see its stderr");
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not exit after SIGKILL");
        }
        return highest;
    }

    /** Reopens the log, checks everything up to its end, appends one more batch; returns the end before that append. */
    private long verify(SegmentWriteMode mode, long highestReported, String where) throws IOException {
        LogConfig config = LogConfig.from(Map.of(
                LogConfig.SEGMENT_WRITE_MODE, mode.name().toLowerCase(java.util.Locale.ROOT),
                LogConfig.SEGMENT_BYTES, Integer.toString(CrashWriter.SEGMENT_BYTES),
                LogConfig.MESSAGE_MAX_BYTES, Integer.toString(CrashWriter.SEGMENT_BYTES)));
        try (LogDir dir = LogDir.open(tmp, config, java.time.Clock.systemUTC(), null)) {
            PartitionLog log = dir.openLog(CrashWriter.PARTITION);
            assertNotNull(log.recoveryReport());
            System.out.println(where + " (" + mode + "): reported " + highestReported + ", recovered end " + log.logEndOffset()
                    + ", " + log.recoveryReport());
            long end = log.logEndOffset();
            List<Record> records = new ArrayList<>();
            long next = 0;
            while (next < end) {
                LogSlice slice = log.read(next, 1 << 20, Long.MAX_VALUE);
                assertTrue(!slice.isEmpty(), where + ": nothing served at " + next + " below the end " + end);
                records.addAll(Batches.records(slice)); // checks every CRC
                next = slice.nextOffset();
            }
            assertEquals(end, records.size(), where + ": offsets are dense from 0");
            for (int i = 0; i < records.size(); i++) {
                Record r = records.get(i);
                assertEquals(i, r.offset(), where);
                assertTrue(Batches.valueString(r).startsWith("v-" + i + "-"), where + ": record " + i + " holds wrong bytes");
            }
            assertTrue(end > highestReported, where + ": reported offset " + highestReported + " lost; end is " + end);
            AppendInfo info = log.append(Batches.of(2, 50, end, System.currentTimeMillis()));
            assertEquals(end, info.firstOffset(), where + ": appends continue at the log end");
            return end;
        }
    }
}
