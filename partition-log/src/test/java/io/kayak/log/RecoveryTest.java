package io.kayak.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.log.index.RocksIndexStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.record.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Fault injection: torn tails, flipped bits, lost or corrupt index files, found at open. */
class RecoveryTest {
    private static final int VALUE = 100;
    private static final long TS = 1_700_000_000_000L;

    @TempDir
    Path tmp;
    private LogTestContext ctx;

    @AfterEach
    void tearDown() throws IOException {
        if (ctx != null) {
            ctx.close();
        }
    }

    private LogTestContext context(SegmentWriteMode mode) {
        int batchSize = Batches.of(3, VALUE, 0, TS).remaining();
        ctx = new LogTestContext(tmp).mode(mode).with(LogConfig.FLUSH_POLICY, "never")
                .with(LogConfig.SEGMENT_BYTES, 4 * batchSize).with(LogConfig.MESSAGE_MAX_BYTES, batchSize);
        return ctx;
    }

    /** Appends {@code batches} batches of three records; returns each batch's (segment file, position, size). */
    private static List<long[]> fill(PartitionLog log, int batches) {
        List<long[]> where = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            long next = log.logEndOffset();
            AppendInfo info = log.append(Batches.of(3, VALUE, next, TS + next));
            where.add(new long[] {info.segmentBase(), info.position(), Batches.of(3, VALUE, next, TS).remaining()});
        }
        return where;
    }

    private static List<Record> readAll(PartitionLog log) throws IOException {
        List<Record> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            LogSlice slice = log.read(next, 1 << 20, Long.MAX_VALUE);
            out.addAll(Batches.records(slice));
            next = slice.nextOffset();
        }
        return out;
    }

    private static void assertDense(List<Record> records, long from, long count) {
        assertEquals(count, records.size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(from + i, records.get(i).offset());
            assertTrue(Batches.valueString(records.get(i)).startsWith("v-" + (from + i) + "-"));
        }
    }

    private Path segmentFile(long base) {
        return ctx.partitionDir().resolve(io.kayak.log.segment.Segment.fileName(base));
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position);
            b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
            ch.write(b, position);
        }
    }

    @ParameterizedTest
    @EnumSource(SegmentWriteMode.class)
    void tornTailIsTruncatedAndAppendsContinueDensely(SegmentWriteMode mode) throws IOException {
        PartitionLog log = context(mode).open();
        List<long[]> where = fill(log, 6); // segments 0 (4 batches), 12 (2 batches)
        log.flush();
        long[] last = where.get(5);
        ctx.crash();
        try (FileChannel ch = FileChannel.open(segmentFile(last[0]), StandardOpenOption.WRITE)) {
            ch.truncate(last[1] + last[2] - 7);
        }
        PartitionLog reopened = ctx.open();
        assertEquals(15, reopened.logEndOffset(), "the torn batch 15-17 is gone");
        RecoveryReport report = reopened.recoveryReport();
        assertTrue(report.truncatedBytes() > 0);
        assertNotNull(report.corruption());
        assertThrows(OffsetOutOfRangeException.class, () -> reopened.read(16, 1024, Long.MAX_VALUE));
        assertDense(readAll(reopened), 0, 15);
        fill(reopened, 2);
        assertDense(readAll(ctx.reopen()), 0, 21);
    }

    @ParameterizedTest
    @EnumSource(SegmentWriteMode.class)
    void unflushedTailAfterACrashIsValidatedAndKept(SegmentWriteMode mode) throws IOException {
        PartitionLog log = context(mode).open();
        fill(log, 2);
        log.flush();
        fill(log, 5);
        ctx.crash();
        PartitionLog reopened = ctx.open();
        assertEquals(21, reopened.logEndOffset());
        assertNull(reopened.recoveryReport().corruption(),
                "a mapped segment's zero-filled preallocation is the end of the log, not corruption");
        assertTrue(reopened.recoveryReport().batchesValidated() >= 5);
        assertDense(readAll(reopened), 0, 21);
    }

    @ParameterizedTest
    @EnumSource(SegmentWriteMode.class)
    void flippedBitInAnUnflushedBatchTruncatesFromThatBatch(SegmentWriteMode mode) throws IOException {
        PartitionLog log = context(mode).open();
        List<long[]> where = fill(log, 7); // segments 0, 12 (3 batches)
        long[] victim = where.get(2); // in the first segment, the log was never flushed
        ctx.crash();
        flipByte(segmentFile(victim[0]), victim[1] + victim[2] / 2);
        PartitionLog reopened = ctx.open();
        assertEquals(6, reopened.logEndOffset(), "everything from the corrupt batch on is dropped");
        assertEquals(List.of(0L), reopened.segmentBaseOffsets(), "later segments are deleted");
        assertFalse(Files.exists(segmentFile(12)));
        assertTrue(reopened.recoveryReport().corruption().contains("CRC"), reopened.recoveryReport().corruption());
        assertDense(readAll(reopened), 0, 6);
        fill(reopened, 1);
        assertDense(readAll(reopened), 0, 9);
    }

    @Test
    void deletedIndexIsRebuiltFromTheSegments() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        fill(log, 9);
        ctx.close();
        deleteTree(tmp.resolve(RocksIndexStore.DIRECTORY_NAME));
        PartitionLog reopened = ctx.open();
        assertTrue(reopened.recoveryReport().indexRebuilt());
        assertEquals(9, reopened.recoveryReport().batchesValidated());
        assertEquals(27, reopened.logEndOffset());
        assertDense(readAll(reopened), 0, 27);
        assertEquals(new TimestampOffset(TS + 10, 10), reopened.offsetForTimestamp(TS + 10),
                "the timestamp index is rebuilt too");
    }

    @Test
    void deletedIndexAndAFlippedBitInFlushedDataAreBothCaught() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        List<long[]> where = fill(log, 9);
        ctx.close();
        deleteTree(tmp.resolve(RocksIndexStore.DIRECTORY_NAME));
        long[] victim = where.get(5);
        flipByte(segmentFile(victim[0]), victim[1] + 30);
        PartitionLog reopened = ctx.open();
        assertEquals(15, reopened.logEndOffset());
        assertDense(readAll(reopened), 0, 15);
    }

    @Test
    void corruptIndexFilesAreReplacedByARebuild() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        fill(log, 5);
        ctx.close();
        Path index = tmp.resolve(RocksIndexStore.DIRECTORY_NAME);
        try (Stream<Path> files = Files.list(index)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("MANIFEST")).toList()) {
                Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            }
        }
        PartitionLog reopened = ctx.open();
        assertTrue(reopened.recoveryReport().indexRebuilt());
        assertDense(readAll(reopened), 0, 15);
    }

    @Test
    void indexEntriesBeyondTheValidEndAreRemoved() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        List<long[]> where = fill(log, 3);
        ctx.crash();
        long[] second = where.get(1);
        try (FileChannel ch = FileChannel.open(segmentFile(0), StandardOpenOption.WRITE)) {
            ch.truncate(second[1]); // the index still names batches 3-8
        }
        PartitionLog reopened = ctx.open();
        assertEquals(3, reopened.logEndOffset());
        assertNull(reopened.offsetForTimestamp(TS + 4), "no index entry points past the valid end");
        fill(reopened, 1);
        assertDense(readAll(reopened), 0, 6);
    }

    @Test
    void segmentFilesDeletedBehindTheLogsBackAreDetected() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        fill(log, 10); // segments 0, 12, 24
        ctx.crash();
        Files.delete(segmentFile(12));
        PartitionLog reopened = ctx.open();
        assertEquals(12, reopened.logEndOffset(), "the log ends where the gap starts");
        assertEquals(List.of(0L), reopened.segmentBaseOffsets());
        assertDense(readAll(reopened), 0, 12);
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
