package io.kayak.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ProducerStateTableTest {

    @Test
    void duplicatesOfTheLastFiveBatchesGetTheirOriginalOffsets() {
        ProducerStateTable t = new ProducerStateTable();
        for (int i = 0; i < 7; i++) {
            assertInstanceOf(ProducerStateTable.Append.class, t.check(1, (short) 0, i * 10, i * 10 + 9));
            t.record(1, (short) 0, i * 10, i * 10 + 9, 100 + i * 10, 109 + i * 10);
        }
        assertEquals(new ProducerStateTable.Duplicate(160, 169), t.check(1, (short) 0, 60, 69));
        assertEquals(new ProducerStateTable.Duplicate(120, 129), t.check(1, (short) 0, 20, 29));
        ProducerStateTable.Verdict tooOld = t.check(1, (short) 0, 10, 19);
        assertInstanceOf(ProducerStateTable.Rejected.class, tooOld, "only five batches are remembered");
    }

    @Test
    void gapsAndOldEpochsAreRefusedAndANewEpochStartsAtZero() {
        ProducerStateTable t = new ProducerStateTable();
        t.record(7, (short) 3, 0, 4, 0, 4);
        assertEquals(ProduceError.OUT_OF_ORDER_SEQUENCE,
                ((ProducerStateTable.Rejected) t.check(7, (short) 3, 6, 8)).error());
        assertInstanceOf(ProducerStateTable.Append.class, t.check(7, (short) 3, 5, 8));
        assertEquals(ProduceError.INVALID_PRODUCER_EPOCH,
                ((ProducerStateTable.Rejected) t.check(7, (short) 2, 5, 8)).error());
        assertEquals(ProduceError.OUT_OF_ORDER_SEQUENCE,
                ((ProducerStateTable.Rejected) t.check(7, (short) 4, 5, 8)).error());
        assertInstanceOf(ProducerStateTable.Append.class, t.check(7, (short) 4, 0, 3));
        assertInstanceOf(ProducerStateTable.Append.class, t.check(-1, (short) -1, -1, -1), "non-idempotent batches pass");
        assertEquals(ProduceError.OUT_OF_ORDER_SEQUENCE, ((ProducerStateTable.Rejected) t.check(99, (short) 0, 17, 20)).error(),
                "a producer new to the partition starts at sequence 0: its refused first batch is still to come");
        assertInstanceOf(ProducerStateTable.Append.class, t.check(99, (short) 0, 0, 16));
    }

    @Test
    void eachBatchOfACoalescedEntryIsADuplicateWithItsOwnOffsetsAndNothingElseInsideIt() {
        ProducerStateTable t = new ProducerStateTable();
        t.record(3, (short) 1, 0, 9, 0, 9);
        assertInstanceOf(ProducerStateTable.Append.class, t.check(3, (short) 1, 10, 29), "batches 10-14, 15-29 coalesced");
        t.record(3, (short) 1, 10, 29, 50, 69);
        assertEquals(new ProducerStateTable.Duplicate(50, 54), t.check(3, (short) 1, 10, 14));
        assertEquals(new ProducerStateTable.Duplicate(55, 69), t.check(3, (short) 1, 15, 29));
        assertEquals(ProduceError.OUT_OF_ORDER_SEQUENCE, ((ProducerStateTable.Rejected) t.check(3, (short) 1, 25, 34)).error(),
                "a range reaching past the entry is neither a duplicate nor next");
        assertInstanceOf(ProducerStateTable.Append.class, t.check(3, (short) 1, 30, 30));
        t.record(4, (short) 0, 0, 9, 100, 104);
        assertEquals(ProduceError.OUT_OF_ORDER_SEQUENCE, ((ProducerStateTable.Rejected) t.check(4, (short) 0, 2, 3)).error(),
                "only a range whose sequences map one to one onto its offsets is split");
    }

    @Test
    void stateRoundTripsThroughItsEncoding() {
        ProducerStateTable t = new ProducerStateTable();
        t.record(1, (short) 0, 0, 4, 0, 4);
        t.record(2, (short) 5, 10, 19, 5, 14);
        ProducerStateTable back = ProducerStateTable.decode(ByteBuffer.wrap(t.encode()));
        assertEquals(2, back.size());
        assertEquals(new ProducerStateTable.Duplicate(5, 14), back.check(2, (short) 5, 10, 19));
        assertInstanceOf(ProducerStateTable.Append.class, back.check(1, (short) 0, 5, 9));
    }
}
