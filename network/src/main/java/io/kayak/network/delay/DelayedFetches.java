package io.kayak.network.delay;

import io.kayak.network.service.PartitionListener;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Fetches parked until their partitions change (Kafka's delayed-fetch purgatory): a waiter is registered under
 * every partition it reads and woken when the partition service reports a high watermark advance or a leader
 * change there. Waking only tells the waiter to look again; whether it is now satisfied is its own business.
 *
 * <p>Bounded: at most {@link #MAX_WAITERS_PER_PARTITION} waiters per partition; a fetch that finds a partition
 * full is not parked (it answers at once with what it has). Thread-safe; {@link #partitionChanged} runs on
 * replication threads and only calls {@link Waiter#wake}, which must hand off and return.
 */
public final class DelayedFetches implements PartitionListener {
    /** The most fetches that may wait on one partition at a time. */
    public static final int MAX_WAITERS_PER_PARTITION = 1024;

    /** Something parked here; woken on a change of any of its partitions. */
    public interface Waiter {
        void wake();
    }

    private final ConcurrentHashMap<TopicPartition, Set<Waiter>> waiting = new ConcurrentHashMap<>();

    /**
     * Parks {@code waiter} under every partition of {@code partitions}; returns false, parking it nowhere, when
     * one of them already has {@link #MAX_WAITERS_PER_PARTITION} waiters.
     */
    public boolean register(Waiter waiter, Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            boolean[] added = {false};
            waiting.compute(tp, (k, set) -> {
                Set<Waiter> s = set == null ? ConcurrentHashMap.newKeySet() : set;
                if (s.size() < MAX_WAITERS_PER_PARTITION) {
                    s.add(waiter);
                    added[0] = true;
                }
                return s;
            });
            if (!added[0]) {
                unregister(waiter, partitions);
                return false;
            }
        }
        return true;
    }

    /** Removes {@code waiter} from every partition of {@code partitions} (those it was not under are skipped). */
    public void unregister(Waiter waiter, Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            waiting.computeIfPresent(tp, (k, set) -> {
                set.remove(waiter);
                return set.isEmpty() ? null : set;
            });
        }
    }

    @Override
    public void partitionChanged(TopicPartition partition) {
        Set<Waiter> s = waiting.get(partition);
        if (s != null) {
            for (Waiter w : s) {
                w.wake();
            }
        }
    }

    /** How many fetches wait on {@code partition} now. */
    public int waiting(TopicPartition partition) {
        Set<Waiter> s = waiting.get(partition);
        return s == null ? 0 : s.size();
    }
}
