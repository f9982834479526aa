package io.kayak.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PartitionLogTest {
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
        ctx = new LogTestContext(tmp).mode(mode);
        return ctx;
    }

    /** Appends batches of the given record counts with values numbered by offset; returns their base offsets. */
    private static List<Long> appendAll(PartitionLog log, int... counts) {
        List<Long> bases = new ArrayList<>();
        for (int n : counts) {
            long next = log.logEndOffset();
            bases.add(log.append(Batches.of(n, VALUE, next, TS + next)).firstOffset());
        }
        return bases;
    }

    /** Reads the whole log from {@code from} to its end, slice by slice. */
    private static List<Record> readAll(PartitionLog log, long from) throws IOException {
        List<Record> out = new ArrayList<>();
        long next = from;
        while (next < log.logEndOffset()) {
            LogSlice slice = log.read(next, 1 << 20, Long.MAX_VALUE);
            assertFalse(slice.isEmpty(), "read at " + next + " returned nothing below the log end");
            out.addAll(Batches.records(slice));
            next = slice.nextOffset();
        }
        return out;
    }

    private static void assertDenseValues(List<Record> records, long from) {
        for (int i = 0; i < records.size(); i++) {
            Record r = records.get(i);
            assertEquals(from + i, r.offset(), "offset at index " + i);
            assertTrue(Batches.valueString(r).startsWith("v-" + r.offset() + "-"),
                    "record at offset " + r.offset() + " holds " + Batches.valueString(r));
        }
    }

    @ParameterizedTest
    @EnumSource(SegmentWriteMode.class)
    void appendAssignsDenseOffsetsAndStoresBatchesByteForByte(SegmentWriteMode mode) throws IOException {
        PartitionLog log = context(mode).open();
        ByteBuffer batch = Batches.of(5, VALUE, 0, TS);
        ByteBuffer original = batch.duplicate();
        AppendInfo first = log.append(batch);
        List<Long> bases = appendAll(log, 3, 1);

        assertEquals(0, first.firstOffset());
        assertEquals(4, first.lastOffset());
        assertEquals(List.of(5L, 8L), bases);
        assertEquals(9, log.logEndOffset());
        LogSlice slice = log.read(0, 1 << 20, Long.MAX_VALUE);
        ByteBuffer stored = slice.copyBytes();
        ByteBuffer firstStored = stored.duplicate().limit(original.remaining());
        assertEquals(original, firstStored, "the first batch is stored exactly as sent (its base offset was 0)");
        List<MutableRecordBatch> parsed = Batches.parse(stored);
        assertEquals(List.of(0L, 5L, 8L), parsed.stream().map(MutableRecordBatch::baseOffset).toList());
        assertDenseValues(readAll(log, 0), 0);
    }

    @ParameterizedTest
    @EnumSource(SegmentWriteMode.class)
    void stampedAppendWritesOffsetAndEpochWithoutTouchingAReadOnlySource(SegmentWriteMode mode) throws IOException {
        PartitionLog log = context(mode).open();
        appendAll(log, 2);
        ByteBuffer batch = Batches.of(4, VALUE, 2, TS + 2);
        ByteBuffer sent = batch.duplicate();
        ByteBuffer readOnly = batch.asReadOnlyBuffer();

        AppendInfo info = log.append(readOnly, 7);

        assertEquals(2, info.firstOffset());
        assertEquals(5, info.lastOffset());
        assertEquals(sent, batch, "the source is left as it was");
        assertEquals(0, readOnly.position());
        List<MutableRecordBatch> parsed = Batches.parse(log.read(2, 1 << 20, Long.MAX_VALUE).copyBytes());
        assertEquals(1, parsed.size());
        MutableRecordBatch stored = parsed.get(0);
        assertEquals(2, stored.baseOffset());
        assertEquals(7, stored.partitionLeaderEpoch());
        assertEquals(sent.remaining(), stored.sizeInBytes());
        stored.ensureValid(); // the CRC, which covers everything after the stamped fields, still holds
        assertDenseValues(readAll(log, 0), 0);
    }

    @Test
    void compressedBatchesAreStoredAsSent() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        for (Compression c : List.of(Compression.gzip().build(), Compression.lz4().build(), Compression.zstd().build(),
                Compression.snappy().build())) {
            long next = log.logEndOffset();
            log.append(Batches.of(c, 10, VALUE, next, TS));
        }
        List<Record> records = readAll(log, 0);
        assertEquals(40, records.size());
        assertDenseValues(records, 0);
    }

    @Test
    void emptyLogReadsNothingAndRejectsOffsetsPastItsEnd() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        assertEquals(0, log.logStartOffset());
        assertEquals(0, log.logEndOffset());
        LogSlice slice = log.read(0, 1024, Long.MAX_VALUE);
        assertTrue(slice.isEmpty());
        assertEquals(0, slice.nextOffset());
        OffsetOutOfRangeException e = assertThrows(OffsetOutOfRangeException.class, () -> log.read(1, 1024, Long.MAX_VALUE));
        assertEquals(0, e.logEndOffset());
        assertNull(log.offsetForTimestamp(0));
    }

    @Test
    void readReturnsWholeBatchesWithinMaxBytesButAlwaysAtLeastOne() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        appendAll(log, 4, 4, 4, 4);
        int batchSize = (int) (log.sizeInBytes() / 4);

        LogSlice tiny = log.read(0, 10, Long.MAX_VALUE);
        assertEquals(batchSize, tiny.length(), "minOneMessage: one whole batch even when it exceeds maxBytes");
        assertEquals(4, tiny.nextOffset());

        LogSlice twoAndAHalf = log.read(0, batchSize * 5 / 2, Long.MAX_VALUE);
        assertEquals(2 * batchSize, twoAndAHalf.length());
        assertEquals(8, twoAndAHalf.nextOffset());
        assertEquals(8, Batches.records(twoAndAHalf).size());
    }

    @Test
    void readFromTheMiddleOfABatchStartsAtItsBoundary() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        appendAll(log, 5, 5);
        LogSlice slice = log.read(7, 1 << 20, Long.MAX_VALUE);
        assertEquals(5, slice.firstOffset());
        assertEquals(10, slice.nextOffset());
        assertEquals(5, Batches.records(slice).get(0).offset());
    }

    @Test
    void readNeverReturnsBytesAtOrAboveTheLimit() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        appendAll(log, 5, 5, 5);
        LogSlice upTo10 = log.read(0, 1 << 20, 10);
        assertEquals(10, upTo10.nextOffset());
        assertEquals(10, Batches.records(upTo10).size());

        LogSlice limitInsideSecondBatch = log.read(0, 1 << 20, 7);
        assertEquals(5, limitInsideSecondBatch.nextOffset(), "a batch straddling the limit is not served");
        assertTrue(log.read(5, 1 << 20, 7).isEmpty());
        assertTrue(log.read(3, 1 << 20, 3).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(SegmentWriteMode.class)
    void exactlyFullSegmentRollsOnTheNextAppend(SegmentWriteMode mode) throws IOException {
        int batchSize = Batches.of(2, VALUE, 0, TS).remaining();
        PartitionLog log = context(mode).with(LogConfig.SEGMENT_BYTES, 3 * batchSize)
                .with(LogConfig.MESSAGE_MAX_BYTES, batchSize).open();
        appendAll(log, 2, 2, 2);
        assertEquals(List.of(0L), log.segmentBaseOffsets(), "three batches fill the segment exactly");
        appendAll(log, 2);
        assertEquals(List.of(0L, 6L), log.segmentBaseOffsets());
        assertEquals(3L * batchSize, Files.size(ctx.partitionDir().resolve("00000000000000000000.log")),
                "the sealed segment is trimmed to its real size");
        assertTrue(Files.exists(ctx.partitionDir().resolve("00000000000000000006.log")));
    }

    @ParameterizedTest
    @EnumSource(SegmentWriteMode.class)
    void anOpenLogAdoptsALargerSegmentSizeAndRetentionWithoutReopening(SegmentWriteMode mode) throws IOException {
        int batchSize = Batches.of(2, VALUE, 0, TS).remaining();
        PartitionLog log = context(mode).with(LogConfig.SEGMENT_BYTES, 2 * batchSize)
                .with(LogConfig.MESSAGE_MAX_BYTES, batchSize).open();
        appendAll(log, 2, 2, 2);
        assertEquals(List.of(0L, 4L), log.segmentBaseOffsets());
        log.reconfigure(log.config().with(LogConfig.SEGMENT_BYTES, 6 * batchSize)
                .with(LogConfig.MESSAGE_MAX_BYTES, 4 * batchSize));
        appendAll(log, 2, 2, 2, 2, 2);
        int big = Batches.of(8, VALUE, 0, TS).remaining();
        log.append(Batches.of(8, VALUE, log.logEndOffset(), TS)); // larger than the old segment size: must fit a mapping
        assertEquals(16L + 8, log.logEndOffset());
        assertTrue(log.segmentBaseOffsets().size() <= 5, "segments hold up to the new size: " + log.segmentBaseOffsets());
        assertDenseValues(readAll(log, 0).subList(0, 16), 0);

        long before = log.sizeInBytes();
        log.reconfigure(log.config().with(LogConfig.RETENTION_BYTES, big));
        log.applyRetention();
        assertTrue(log.logStartOffset() > 0 && log.sizeInBytes() < before, "retention applies the new bound");
    }

    @ParameterizedTest
    @EnumSource(SegmentWriteMode.class)
    void endOffsetForEpochFindsWhereEachEpochEndsAcrossSegmentsRestartTruncationAndDeletion(SegmentWriteMode mode)
            throws IOException {
        int batchSize = Batches.of(2, VALUE, 0, TS).remaining();
        PartitionLog log = context(mode).with(LogConfig.SEGMENT_BYTES, 2 * batchSize)
                .with(LogConfig.MESSAGE_MAX_BYTES, batchSize).open();
        for (int epoch : new int[] {1, 1, 3, 3, 5}) { // offsets 0-1, 2-3 | 4-5, 6-7 | 8-9
            ByteBuffer b = Batches.of(2, VALUE, log.logEndOffset(), TS);
            b.putInt(b.position() + io.kayak.log.batch.RecordBatchHeader.PARTITION_LEADER_EPOCH_OFFSET, epoch);
            log.append(b);
        }
        assertEquals(3, log.segmentBaseOffsets().size(), "the search crosses segments");
        Map<Integer, EpochEnd> expected = Map.of(0, new EpochEnd(EpochEnd.NO_EPOCH, 0), 1, new EpochEnd(1, 4),
                2, new EpochEnd(1, 4), 3, new EpochEnd(3, 8), 4, new EpochEnd(3, 8), 5, new EpochEnd(5, 10),
                9, new EpochEnd(5, 10));
        for (int round = 0; round < 2; round++) {
            PartitionLog l = round == 0 ? log : ctx.reopen();
            expected.forEach((epoch, end) -> assertEquals(end, l.endOffsetForEpoch(epoch, Long.MAX_VALUE), "epoch " + epoch));
        }
        log = ctx.reopen();
        assertEquals(new EpochEnd(3, 6), log.endOffsetForEpoch(3, 6), "bounded by the high watermark");
        assertEquals(new EpochEnd(3, 6), log.endOffsetForEpoch(7, 6));
        log.truncateTo(6);
        assertEquals(new EpochEnd(3, 6), log.endOffsetForEpoch(5, Long.MAX_VALUE), "epoch 5 was truncated away");
        log.deleteRecordsBefore(5);
        assertEquals(new EpochEnd(EpochEnd.NO_EPOCH, 5), log.endOffsetForEpoch(1, Long.MAX_VALUE),
                "epoch 1 lies below the log start");
        assertEquals(new EpochEnd(3, 6), log.endOffsetForEpoch(3, Long.MAX_VALUE));
        assertEquals(3, log.epochAt(5));
        PartitionLog trimmed = log;
        assertThrows(OffsetOutOfRangeException.class, () -> trimmed.epochAt(4), "below the log start");
    }

    @ParameterizedTest
    @EnumSource(SegmentWriteMode.class)
    void readsStopAtSegmentBoundariesAndContinueInTheNext(SegmentWriteMode mode) throws IOException {
        int batchSize = Batches.of(2, VALUE, 0, TS).remaining();
        PartitionLog log = context(mode).with(LogConfig.SEGMENT_BYTES, 2 * batchSize)
                .with(LogConfig.MESSAGE_MAX_BYTES, batchSize).open();
        appendAll(log, 2, 2, 2, 2, 2);
        assertEquals(List.of(0L, 4L, 8L), log.segmentBaseOffsets());
        LogSlice first = log.read(2, 1 << 20, Long.MAX_VALUE);
        assertEquals(2, first.firstOffset());
        assertEquals(4, first.nextOffset(), "one slice never spans two segment files");
        LogSlice second = log.read(first.nextOffset(), 1 << 20, Long.MAX_VALUE);
        assertEquals(4, second.firstOffset());
        assertEquals(8, second.nextOffset());
        assertDenseValues(readAll(log, 0), 0);
    }

    @Test
    void rollsByTime() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).with(LogConfig.ROLL_MS, 60_000).open();
        appendAll(log, 1);
        ctx.clock().advance(59_999);
        appendAll(log, 1);
        assertEquals(List.of(0L), log.segmentBaseOffsets());
        ctx.clock().advance(1);
        appendAll(log, 1);
        assertEquals(List.of(0L, 2L), log.segmentBaseOffsets());
    }

    @Test
    void invalidBatchesAreRejectedWithTypedErrorsAndChangeNothing() throws IOException {
        int size = Batches.of(3, VALUE, 0, TS).remaining();
        PartitionLog log = context(SegmentWriteMode.CHANNEL).with(LogConfig.MESSAGE_MAX_BYTES, size).open();
        appendAll(log, 3);
        long sizeBefore = log.sizeInBytes();

        ByteBuffer badMagic = Batches.of(3, VALUE, 3, TS);
        badMagic.put(16, (byte) 1);
        assertEquals(InvalidBatchException.Reason.BAD_MAGIC,
                assertThrows(InvalidBatchException.class, () -> log.append(badMagic)).reason());

        ByteBuffer badCrc = Batches.of(3, VALUE, 3, TS);
        badCrc.put(badCrc.limit() - 5, (byte) (badCrc.get(badCrc.limit() - 5) ^ 0x10));
        assertEquals(InvalidBatchException.Reason.BAD_CRC,
                assertThrows(InvalidBatchException.class, () -> log.append(badCrc)).reason());

        ByteBuffer shortened = Batches.of(3, VALUE, 3, TS);
        shortened.limit(shortened.limit() - 1);
        assertEquals(InvalidBatchException.Reason.LENGTH_MISMATCH,
                assertThrows(InvalidBatchException.class, () -> log.append(shortened)).reason());

        ByteBuffer tiny = ByteBuffer.allocate(20);
        assertEquals(InvalidBatchException.Reason.TOO_SHORT,
                assertThrows(InvalidBatchException.class, () -> log.append(tiny)).reason());

        ByteBuffer tooBig = Batches.of(4, VALUE, 3, TS);
        BatchTooLargeException big = assertThrows(BatchTooLargeException.class, () -> log.append(tooBig));
        assertEquals(size, big.maxBytes());

        assertEquals(3, log.logEndOffset());
        assertEquals(sizeBefore, log.sizeInBytes());
        assertEquals(4, appendAll(log, 3).get(0) + 1, "the log keeps accepting valid batches");
        assertDenseValues(readAll(log, 0), 0);
        assertDenseValues(readAll(ctx.reopen(), 0), 0);
    }

    @Test
    void offsetForTimestampFindsTheFirstRecordAtOrAfterTheTarget() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        log.append(Batches.of(Compression.NONE, 3, VALUE, 0, 1000));   // offsets 0-2, ts 1000-1002
        log.append(Batches.of(Compression.gzip().build(), 3, VALUE, 3, 2000)); // offsets 3-5, ts 2000-2002
        log.append(Batches.of(Compression.NONE, 3, VALUE, 6, 1500));   // offsets 6-8, ts 1500-1502: out of order
        log.append(Batches.of(Compression.NONE, 3, VALUE, 9, 3000));   // offsets 9-11

        assertEquals(new TimestampOffset(1000, 0), log.offsetForTimestamp(0));
        assertEquals(new TimestampOffset(1001, 1), log.offsetForTimestamp(1001));
        assertEquals(new TimestampOffset(2000, 3), log.offsetForTimestamp(1003));
        assertEquals(new TimestampOffset(2001, 4), log.offsetForTimestamp(2001), "found inside a compressed batch");
        assertEquals(new TimestampOffset(3000, 9), log.offsetForTimestamp(2003));
        assertNull(log.offsetForTimestamp(3003));
    }

    /** One batch whose records carry exactly {@code timestamps}, in order. */
    private static ByteBuffer timed(Compression compression, long... timestamps) {
        SimpleRecord[] rs = new SimpleRecord[timestamps.length];
        for (int i = 0; i < timestamps.length; i++) {
            rs[i] = new SimpleRecord(timestamps[i], null, Batches.value(i, VALUE));
        }
        return MemoryRecords.withRecords(compression, rs).buffer();
    }

    @Test
    void maxTimestampOffsetIsTheFirstRecordWithTheLargestTimestampBelowTheLimit() throws IOException {
        int largest = timed(Compression.NONE, 1, 2, 3).remaining() + 32; // timestamp deltas vary the size a little
        PartitionLog log = context(SegmentWriteMode.CHANNEL).with(LogConfig.SEGMENT_BYTES, largest)
                .with(LogConfig.MESSAGE_MAX_BYTES, largest).open();
        assertNull(log.maxTimestampOffset(Long.MAX_VALUE), "an empty log has no record");

        log.append(timed(Compression.NONE, 1000, 5000, 5000));        // offsets 0-2: the max, twice
        log.append(timed(Compression.NONE, 2000));                    // 3
        log.append(timed(Compression.gzip().build(), 4000, 5000));    // 4-5: the max again, later
        log.append(timed(Compression.gzip().build(), 9000, 3000));    // 6-7: a larger max, compressed, first record
        log.append(timed(Compression.NONE, 1000));                    // 8
        assertTrue(log.segmentBaseOffsets().size() >= 3, "the search crosses segments: " + log.segmentBaseOffsets());

        assertEquals(new TimestampOffset(9000, 6), log.maxTimestampOffset(Long.MAX_VALUE));
        assertEquals(new TimestampOffset(9000, 6), log.maxTimestampOffset(9));
        assertEquals(new TimestampOffset(5000, 1), log.maxTimestampOffset(6),
                "below the high watermark 6 the batch 6-7 does not count; the tie goes to the first record");
        assertEquals(new TimestampOffset(5000, 1), log.maxTimestampOffset(4));
        assertEquals(new TimestampOffset(5000, 1), log.maxTimestampOffset(3));
        assertNull(log.maxTimestampOffset(0), "nothing lies below a limit at the log start");

        log.deleteRecordsBefore(2);
        assertEquals(new TimestampOffset(5000, 2), log.maxTimestampOffset(6),
                "offset 1 is deleted; its batch-mate 2 carries the same timestamp");
        log.deleteRecordsBefore(3);
        assertEquals(new TimestampOffset(5000, 5), log.maxTimestampOffset(6));
        assertEquals(new TimestampOffset(2000, 3), log.maxTimestampOffset(4));
        assertEquals(new TimestampOffset(9000, 6), log.maxTimestampOffset(Long.MAX_VALUE));
        assertNull(log.maxTimestampOffset(3));

        PartitionLog reopened = ctx.reopen();
        assertEquals(new TimestampOffset(9000, 6), reopened.maxTimestampOffset(Long.MAX_VALUE), "the same after a restart");
        assertEquals(new TimestampOffset(5000, 5), reopened.maxTimestampOffset(6));
    }

    @Test
    void maxTimestampOffsetIgnoresTheDeletedRecordsOfABatchStraddlingTheLogStart() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        log.append(timed(Compression.NONE, 7000, 100, 200));   // 0-2
        log.append(timed(Compression.NONE, 300));              // 3
        assertEquals(new TimestampOffset(7000, 0), log.maxTimestampOffset(Long.MAX_VALUE));
        log.deleteRecordsBefore(1);
        assertEquals(new TimestampOffset(300, 3), log.maxTimestampOffset(Long.MAX_VALUE),
                "the batch's indexed max belongs to the deleted offset 0");
        assertEquals(new TimestampOffset(200, 2), log.maxTimestampOffset(3));
    }

    @Test
    void batchTimestampAtIsTheLargestTimestampOfTheBatchHoldingTheOffset() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        log.append(Batches.of(Compression.NONE, 3, VALUE, 0, 1000));              // offsets 0-2, ts 1000-1002
        log.append(Batches.of(Compression.gzip().build(), 3, VALUE, 3, 2000));    // offsets 3-5, ts 2000-2002

        assertEquals(1002, log.batchTimestampAt(0));
        assertEquals(1002, log.batchTimestampAt(2));
        assertEquals(2002, log.batchTimestampAt(4), "read from the index, without decompressing the batch");
        assertThrows(OffsetOutOfRangeException.class, () -> log.batchTimestampAt(6), "at the log end");
        assertThrows(OffsetOutOfRangeException.class, () -> log.batchTimestampAt(-1));
    }

    @ParameterizedTest
    @EnumSource(SegmentWriteMode.class)
    void truncateIntoTheMiddleOfASegmentRemovesWholeBatchesAndAppendsContinue(SegmentWriteMode mode) throws IOException {
        int batchSize = Batches.of(3, VALUE, 0, TS).remaining();
        PartitionLog log = context(mode).with(LogConfig.SEGMENT_BYTES, 3 * batchSize)
                .with(LogConfig.MESSAGE_MAX_BYTES, batchSize).open();
        appendAll(log, 3, 3, 3, 3, 3, 3, 3, 3); // segments at 0, 9, 18
        assertEquals(List.of(0L, 9L, 18L), log.segmentBaseOffsets());

        long newEnd = log.truncateTo(13); // inside the batch 12-14 of the middle segment
        assertEquals(12, newEnd);
        assertEquals(12, log.logEndOffset());
        assertEquals(List.of(0L, 9L), log.segmentBaseOffsets());
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(13, 1024, Long.MAX_VALUE));
        assertEquals(12, readAll(log, 0).size());

        appendAll(log, 3, 3, 3);
        assertEquals(21, log.logEndOffset());
        assertDenseValues(readAll(log, 0), 0);
        PartitionLog reopened = ctx.reopen();
        assertEquals(21, reopened.logEndOffset());
        assertDenseValues(readAll(reopened, 0), 0);
    }

    @Test
    void truncateToASegmentBaseEmptiesThatSegment() throws IOException {
        int batchSize = Batches.of(3, VALUE, 0, TS).remaining();
        PartitionLog log = context(SegmentWriteMode.CHANNEL).with(LogConfig.SEGMENT_BYTES, 2 * batchSize)
                .with(LogConfig.MESSAGE_MAX_BYTES, batchSize).open();
        appendAll(log, 3, 3, 3, 3, 3); // segments 0, 6, 12
        assertEquals(6, log.truncateTo(6));
        assertEquals(List.of(0L, 6L), log.segmentBaseOffsets());
        assertEquals(0, Files.size(ctx.partitionDir().resolve("00000000000000000006.log")));
        assertEquals(6, log.truncateTo(100), "truncating at or past the end changes nothing");
        appendAll(log, 3);
        assertDenseValues(readAll(log, 0), 0);
    }

    @Test
    void truncateFullyAndStartAtEmptiesTheLogAndSurvivesACrash() throws IOException {
        int batchSize = Batches.of(3, VALUE, 0, TS).remaining();
        PartitionLog log = context(SegmentWriteMode.CHANNEL).with(LogConfig.SEGMENT_BYTES, 2 * batchSize)
                .with(LogConfig.MESSAGE_MAX_BYTES, batchSize).open();
        appendAll(log, 3, 3, 3, 3, 3); // segments 0, 6, 12
        log.truncateFullyAndStartAt(40);
        assertEquals(40, log.logStartOffset());
        assertEquals(40, log.logEndOffset());
        assertEquals(List.of(40L), log.segmentBaseOffsets());
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(12, 1024, Long.MAX_VALUE));
        assertEquals(null, log.offsetForTimestamp(0), "no timestamp entry of the removed batches is left");

        PartitionLog crashed = ctx.crashAndReopen();
        assertEquals(40, crashed.logStartOffset(), "the restart is durable when the call returns");
        assertEquals(40, crashed.logEndOffset());
        appendAll(crashed, 2);
        assertDenseValues(readAll(crashed, 40), 40);
        crashed.truncateFullyAndStartAt(10);
        assertEquals(10, crashed.logEndOffset(), "an empty restart may also move the start back (a truncated follower)");
    }

    @Test
    void deleteRecordsBeforeAdvancesTheStartAndDropsWholeSegments() throws IOException {
        int batchSize = Batches.of(3, VALUE, 0, TS).remaining();
        PartitionLog log = context(SegmentWriteMode.CHANNEL).with(LogConfig.SEGMENT_BYTES, 2 * batchSize)
                .with(LogConfig.MESSAGE_MAX_BYTES, batchSize).open();
        appendAll(log, 3, 3, 3, 3, 3); // segments 0, 6, 12
        assertEquals(7, log.deleteRecordsBefore(7));
        assertEquals(List.of(6L, 12L), log.segmentBaseOffsets());
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(6, 1024, Long.MAX_VALUE));
        assertEquals(6, log.read(7, 1024, Long.MAX_VALUE).firstOffset(), "the batch holding the start is served whole");
        assertEquals(7, log.deleteRecordsBefore(3), "the start never moves back");
        assertThrows(OffsetOutOfRangeException.class, () -> log.deleteRecordsBefore(16));

        PartitionLog reopened = ctx.reopen();
        assertEquals(7, reopened.logStartOffset(), "the log start offset is persisted");
        assertEquals(15, reopened.deleteRecordsBefore(15));
        assertEquals(15, reopened.logEndOffset());
        assertTrue(reopened.read(15, 1024, Long.MAX_VALUE).isEmpty());
        appendAll(reopened, 2);
        assertEquals(17, reopened.logEndOffset());
    }

    @Test
    void timeRetentionDeletesExpiredSegmentsAndKeepsTheLogEnd() throws IOException {
        int batchSize = Batches.of(3, VALUE, 0, TS).remaining();
        PartitionLog log = context(SegmentWriteMode.CHANNEL).with(LogConfig.SEGMENT_BYTES, 2 * batchSize)
                .with(LogConfig.MESSAGE_MAX_BYTES, batchSize).with(LogConfig.RETENTION_MS, 10_000).open();
        long now = ctx.clock().millis();
        log.append(Batches.of(3, VALUE, 0, now - 20_000)); // segment 0: expired
        log.append(Batches.of(3, VALUE, 3, now - 20_000));
        log.append(Batches.of(3, VALUE, 6, now - 20_000)); // segment 6: expired
        log.append(Batches.of(3, VALUE, 9, now));          // segment 6 also holds a fresh batch
        log.append(Batches.of(3, VALUE, 12, now));         // active segment 12
        assertEquals(1, log.applyRetention());
        assertEquals(List.of(6L, 12L), log.segmentBaseOffsets());
        assertEquals(6, log.logStartOffset());

        ctx.clock().advance(10_010);
        assertEquals(2, log.applyRetention(), "when everything expired the active segment is rolled and deleted");
        assertEquals(List.of(15L), log.segmentBaseOffsets());
        assertEquals(15, log.logStartOffset());
        assertEquals(15, log.logEndOffset(), "the log end offset survives");
        assertEquals(15, appendAll(log, 1).get(0));
        assertEquals(15, ctx.reopen().logStartOffset());
    }

    @Test
    void sizeRetentionKeepsTheNewestSegmentsWithinTheLimit() throws IOException {
        int batchSize = Batches.of(3, VALUE, 0, TS).remaining();
        PartitionLog log = context(SegmentWriteMode.CHANNEL).with(LogConfig.SEGMENT_BYTES, 2 * batchSize)
                .with(LogConfig.MESSAGE_MAX_BYTES, batchSize).with(LogConfig.RETENTION_BYTES, 3 * batchSize).open();
        appendAll(log, 3, 3, 3, 3, 3, 3, 3); // segments 0, 6, 12, 18 (active, one batch)
        assertEquals(2, log.applyRetention());
        assertEquals(List.of(12L, 18L), log.segmentBaseOffsets());
        assertEquals(3L * batchSize, log.sizeInBytes());
        assertEquals(12, log.logStartOffset());
        assertEquals(0, log.applyRetention(), "the active segment is never deleted by size");
    }

    @Test
    void retentionDisabledKeepsEverything() throws IOException {
        int batchSize = Batches.of(3, VALUE, 0, TS).remaining();
        PartitionLog log = context(SegmentWriteMode.CHANNEL).with(LogConfig.SEGMENT_BYTES, batchSize)
                .with(LogConfig.MESSAGE_MAX_BYTES, batchSize).with(LogConfig.RETENTION_MS, -1).open();
        log.append(Batches.of(3, VALUE, 0, 1));
        log.append(Batches.of(3, VALUE, 3, 1));
        ctx.clock().advance(1_000_000_000L);
        assertEquals(0, log.applyRetention());
        assertEquals(2, log.segmentBaseOffsets().size());
    }

    @Test
    void flushMovesTheRecoveryPointAndPersistsTheStateBlob() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).with(LogConfig.FLUSH_POLICY, "never").open();
        appendAll(log, 3, 3);
        assertEquals(0, log.recoveryPoint(), "nothing is fsynced under the never policy");
        log.setStateBlob(new byte[] {1, 2, 3});
        log.flush();
        assertEquals(6, log.recoveryPoint());
        PartitionLog reopened = ctx.reopen();
        assertArrayEquals(new byte[] {1, 2, 3}, reopened.stateBlob());
        assertEquals(0, reopened.recoveryReport().batchesValidated(), "a clean close leaves nothing to validate");
    }

    @Test
    void everyAppendPolicyMakesEachAppendDurable() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        appendAll(log, 3);
        assertEquals(3, log.recoveryPoint());
        appendAll(log, 2);
        assertEquals(5, log.recoveryPoint());
    }

    @Test
    void intervalPolicyFlushesWhenDue() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).with(LogConfig.FLUSH_POLICY, "interval")
                .with(LogConfig.FLUSH_INTERVAL_MS, 500).open();
        appendAll(log, 3);
        ctx.dir().flushDue();
        assertEquals(0, log.recoveryPoint());
        ctx.clock().advance(500);
        ctx.dir().flushDue();
        assertEquals(3, log.recoveryPoint());
    }

    @Test
    void closedLogFailsFast() throws IOException {
        PartitionLog log = context(SegmentWriteMode.CHANNEL).open();
        appendAll(log, 1);
        ctx.close();
        assertThrows(LogClosedException.class, () -> log.append(Batches.of(1, VALUE, 1, TS)));
        assertThrows(LogClosedException.class, () -> log.read(0, 100, Long.MAX_VALUE));
    }

    @Test
    void aSecondProcessCannotOpenALockedDirectory() throws IOException {
        context(SegmentWriteMode.CHANNEL).open();
        IOException e = assertThrows(IOException.class,
                () -> LogDir.open(tmp, LogConfig.defaults(), new ManualClock(0), null));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
    }

    @Test
    void partitionsShareOneIndexAndDeletingOneLeavesTheOthers() throws IOException {
        ctx = new LogTestContext(tmp);
        PartitionLog a = ctx.open();
        PartitionLog b = ctx.dir().openLog("payments-3");
        appendAll(a, 2, 2);
        appendAll(b, 5);
        ctx.dir().deleteLog(LogTestContext.PARTITION);
        assertFalse(Files.exists(ctx.partitionDir()));
        assertEquals(5, b.logEndOffset());
        assertEquals(5, readAll(b, 0).size());
        PartitionLog again = ctx.dir().openLog(LogTestContext.PARTITION);
        assertEquals(0, again.logEndOffset(), "a deleted partition comes back empty");
        ctx.close();
        ctx = new LogTestContext(tmp);
        ctx.open();
        assertEquals(5, ctx.dir().log("payments-3").logEndOffset());
    }

    @Test
    void invalidPartitionNamesAreRefused() throws IOException {
        ctx = new LogTestContext(tmp);
        ctx.open();
        assertThrows(IllegalArgumentException.class, () -> ctx.dir().openLog("../escape"));
        assertThrows(IllegalArgumentException.class, () -> ctx.dir().openLog(".hidden"));
    }
}
