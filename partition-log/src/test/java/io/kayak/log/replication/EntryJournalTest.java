package io.kayak.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntryJournalTest {
    @TempDir
    Path tmp;

    private static WrittenEntry appended(long index, long first, long last) {
        return new WrittenEntry(index, WrittenEntry.Kind.APPENDED, ProduceError.NONE, first, last, 7, (short) 1, 0, 3, "");
    }

    @Test
    void recordsSurviveReopenAndATornTailIsCutOff() throws Exception {
        Path file = tmp.resolve("raft/entries.journal");
        try (EntryJournal j = EntryJournal.open(file)) {
            j.append(appended(5, 0, 3));
            j.append(new WrittenEntry(6, WrittenEntry.Kind.REFUSED, ProduceError.OUT_OF_ORDER_SEQUENCE, -1, -1, 7, (short) 1,
                    9, 9, "gap"));
            j.append(appended(7, 4, 7));
            j.force();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(file) - 5); // a torn last record
        }
        try (EntryJournal j = EntryJournal.open(file)) {
            List<WrittenEntry> read = j.readAll();
            assertEquals(2, read.size());
            assertEquals(appended(5, 0, 3), read.get(0));
            assertEquals(ProduceError.OUT_OF_ORDER_SEQUENCE, read.get(1).error());
            assertEquals(2L * EntryJournal.RECORD_BYTES, Files.size(file), "the torn record is cut off");
            j.append(appended(7, 4, 9));
            j.rewrite(List.of(appended(7, 4, 9)));
            assertEquals(List.of(appended(7, 4, 9)), j.readAll());
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 10); // a flipped byte inside the only record
        }
        try (EntryJournal j = EntryJournal.open(file)) {
            assertEquals(List.of(), j.readAll(), "a record failing its CRC ends the journal");
        }
    }

    @Test
    void headersCarryWhatJudgingNeedsAndFlagBadFraming() {
        ByteBuffer idempotent = MemoryRecords.withIdempotentRecords(Compression.NONE, 42L, (short) 3, 10,
                new SimpleRecord("a".getBytes()), new SimpleRecord("b".getBytes())).buffer();
        RecordsHeader h = RecordsHeader.decode(RecordsHeader.of(idempotent).encode());
        assertEquals(new RecordsHeader(1, idempotent.remaining(), 42L, (short) 3, 10, 11, null), h);
        ByteBuffer plain = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("c".getBytes())).buffer();
        ByteBuffer two = ByteBuffer.allocate(2 * plain.remaining()).put(plain.duplicate()).put(plain.duplicate()).flip();
        RecordsHeader p = RecordsHeader.of(two);
        assertEquals(2, p.batches());
        assertEquals(-1, p.producerId());
        assertNull(p.problem());
        ByteBuffer cut = idempotent.duplicate();
        cut.limit(cut.limit() - 1);
        assertEquals(-1, RecordsHeader.of(cut).batches());
        ByteBuffer pair = ByteBuffer.allocate(2 * idempotent.remaining()).put(idempotent.duplicate()).put(idempotent.duplicate()).flip();
        assertEquals("the idempotent batches of one entry must be consecutive batches of one producer; batch 1 is not",
                RecordsHeader.of(pair).problem());
        ByteBuffer next = MemoryRecords.withIdempotentRecords(Compression.NONE, 42L, (short) 3, 12,
                new SimpleRecord("c".getBytes())).buffer();
        ByteBuffer coalesced = ByteBuffer.allocate(idempotent.remaining() + next.remaining()).put(idempotent.duplicate())
                .put(next.duplicate()).flip();
        assertEquals(new RecordsHeader(2, coalesced.remaining(), 42L, (short) 3, 10, 12, null), RecordsHeader.of(coalesced),
                "consecutive batches of one producer: the entry spans their sequences");
        ByteBuffer mixed = ByteBuffer.allocate(plain.remaining() + next.remaining()).put(next.duplicate())
                .put(plain.duplicate()).flip();
        assertEquals("an entry mixes idempotent and other batches", RecordsHeader.of(mixed).problem());
        assertThrows(IllegalArgumentException.class, () -> RecordsHeader.decode(PartitionEntry.deleteRecords(3)));
    }
}
