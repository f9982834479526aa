package io.kayak.network.delay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DelayedFetchesTest {
    private static final TopicPartition A = new TopicPartition("t", 0);
    private static final TopicPartition B = new TopicPartition("t", 1);

    @Test
    void wakesTheWaitersOfTheChangedPartitionOnly() {
        DelayedFetches d = new DelayedFetches();
        AtomicInteger onA = new AtomicInteger();
        AtomicInteger onB = new AtomicInteger();
        assertTrue(d.register(onA::incrementAndGet, List.of(A)));
        assertTrue(d.register(onB::incrementAndGet, List.of(B)));
        d.partitionChanged(A);
        assertEquals(1, onA.get());
        assertEquals(0, onB.get());
    }

    @Test
    void aFullPartitionRefusesAWaiterWhichIsThenParkedNowhere() {
        DelayedFetches d = new DelayedFetches();
        for (int i = 0; i < DelayedFetches.MAX_WAITERS_PER_PARTITION; i++) {
            assertTrue(d.register(new AtomicInteger()::incrementAndGet, List.of(B))); // a distinct waiter each
        }
        DelayedFetches.Waiter late = new AtomicInteger()::incrementAndGet;
        assertFalse(d.register(late, List.of(A, B)));
        assertEquals(0, d.waiting(A), "refused on B, so not left behind on A");
        assertEquals(DelayedFetches.MAX_WAITERS_PER_PARTITION, d.waiting(B));
    }

    @Test
    void unregisteredWaitersAreNotWokenAndEmptyPartitionsAreForgotten() {
        DelayedFetches d = new DelayedFetches();
        AtomicInteger woken = new AtomicInteger();
        DelayedFetches.Waiter w = woken::incrementAndGet;
        d.register(w, List.of(A, B));
        d.unregister(w, List.of(A, B));
        d.partitionChanged(A);
        assertEquals(0, woken.get());
        assertEquals(0, d.waiting(A));
    }
}
