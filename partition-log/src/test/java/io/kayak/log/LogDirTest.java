package io.kayak.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log directory's background work (real scheduler threads) and its failure isolation. */
class LogDirTest {
    private static final long TS = 1_700_000_000_000L;

    @TempDir
    Path tmp;
    private ScheduledExecutorService scheduler;
    private LogDir dir;

    @BeforeEach
    void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dir != null) {
            dir.close();
        }
        scheduler.shutdownNow();
        assertTrue(scheduler.awaitTermination(10, TimeUnit.SECONDS));
    }

    private static void waitFor(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Test
    void retentionRunsInTheBackgroundAndDeletedSegmentsStayReadableUntilTheDelay() throws Exception {
        int batchSize = Batches.of(3, 100, 0, TS).remaining();
        ManualClock clock = new ManualClock(TS);
        LogConfig config = LogConfig.from(Map.of(
                LogConfig.SEGMENT_BYTES, Integer.toString(batchSize),
                LogConfig.MESSAGE_MAX_BYTES, Integer.toString(batchSize),
                LogConfig.RETENTION_MS, "1000",
                LogConfig.RETENTION_CHECK_INTERVAL_MS, "200", // well after the read below, even on a loaded machine
                LogConfig.FILE_DELETE_DELAY_MS, "300000"));
        dir = LogDir.open(tmp, config, clock, scheduler);
        PartitionLog log = dir.openLog("events-0");
        log.append(Batches.of(3, 100, 0, TS - 5000));
        log.append(Batches.of(3, 100, 3, TS));
        LogSlice handedOut = log.read(0, 1 << 20, Long.MAX_VALUE);

        waitFor("background retention to delete the expired segment", () -> log.logStartOffset() == 3);
        assertEquals(List.of(3L), log.segmentBaseOffsets());
        assertTrue(Files.notExists(log.dir().resolve("00000000000000000000.log")), "the file is unlinked at once");
        assertEquals(3, Batches.records(handedOut).size(), "a slice handed out before the deletion can still be sent");
    }

    @Test
    void retiredSegmentsAreClosedAfterTheDeleteDelay() throws Exception {
        int batchSize = Batches.of(3, 100, 0, TS).remaining();
        LogConfig config = LogConfig.from(Map.of(
                LogConfig.SEGMENT_BYTES, Integer.toString(batchSize),
                LogConfig.MESSAGE_MAX_BYTES, Integer.toString(batchSize),
                LogConfig.FILE_DELETE_DELAY_MS, "50"));
        dir = LogDir.open(tmp, config, new ManualClock(TS), scheduler);
        PartitionLog log = dir.openLog("events-0");
        log.append(Batches.of(3, 100, 0, TS));
        log.append(Batches.of(3, 100, 3, TS));
        LogSlice handedOut = log.read(0, 1 << 20, Long.MAX_VALUE);
        log.deleteRecordsBefore(3);
        waitFor("the retired segment's channel to close", () -> !handedOut.channel().isOpen());
        assertThrows(ClosedChannelException.class, handedOut::copyBytes);
    }

    @Test
    void aDiskErrorTakesOnlyThatPartitionOfflineAndNothingStoredIsLost() throws Exception {
        dir = LogDir.open(tmp, LogConfig.defaults(), new ManualClock(TS), scheduler);
        PartitionLog broken = dir.openLog("broken-0");
        PartitionLog healthy = dir.openLog("healthy-0");
        broken.append(Batches.of(3, 100, 0, TS));
        healthy.append(Batches.of(3, 100, 0, TS));
        // Inject the fault: close the segment's file under the log, so its next write fails with an IOException.
        broken.read(0, 1024, Long.MAX_VALUE).channel().close();

        assertThrows(LogOfflineException.class, () -> broken.append(Batches.of(3, 100, 3, TS)));
        assertTrue(broken.isOffline());
        assertThrows(LogOfflineException.class, () -> broken.read(0, 1024, Long.MAX_VALUE),
                "the error is sticky: reads fail too, nothing is retried");
        assertThrows(LogOfflineException.class, broken::flush);

        healthy.append(Batches.of(3, 100, 3, TS));
        assertEquals(6, Batches.records(healthy.read(0, 1 << 20, Long.MAX_VALUE)).size(), "other partitions keep serving");
        assertEquals(0, dir.runRetention());

        dir.close();
        dir = LogDir.open(tmp, LogConfig.defaults(), new ManualClock(TS), scheduler);
        PartitionLog reopened = dir.log("broken-0");
        assertEquals(3, reopened.logEndOffset(), "the acknowledged batch survived the failed write");
        assertEquals(3, Batches.records(reopened.read(0, 1 << 20, Long.MAX_VALUE)).size());
    }

    @Test
    void intervalFlushesRunInTheBackground() throws Exception {
        LogConfig config = LogConfig.from(Map.of(
                LogConfig.FLUSH_POLICY, "interval",
                LogConfig.FLUSH_INTERVAL_MS, "20"));
        dir = LogDir.open(tmp, config, java.time.Clock.systemUTC(), scheduler);
        PartitionLog log = dir.openLog("events-0");
        log.append(Batches.of(3, 100, 0, TS));
        waitFor("the background flush", () -> log.recoveryPoint() == 3);
    }

    @Test
    void openingReopensEveryPartitionFoundOnDisk() throws IOException {
        dir = LogDir.open(tmp, LogConfig.defaults(), new ManualClock(TS), null);
        dir.openLog("a-0").append(Batches.of(2, 10, 0, TS));
        dir.openLog("b-1").append(Batches.of(4, 10, 0, TS));
        dir.close();
        dir = LogDir.open(tmp, LogConfig.defaults(), new ManualClock(TS), null);
        assertEquals(2, dir.logs().size());
        assertEquals(2, dir.log("a-0").logEndOffset());
        assertEquals(4, dir.log("b-1").logEndOffset());
    }
}
