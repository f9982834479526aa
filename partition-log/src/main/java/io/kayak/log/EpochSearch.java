package io.kayak.log;

import io.kayak.log.batch.RecordBatchHeader;
import io.kayak.log.index.IndexEntry;
import io.kayak.log.index.LogIndex;
import io.kayak.log.internal.Checks;
import io.kayak.log.segment.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.NavigableMap;

/**
 * Finds where a leader epoch ends by binary search over the batches' partition leader epochs, which the
 * replication layer stamps (the Raft term of the batch's entry) and which never decrease along a log: Raft
 * terms never decrease along a Raft log, offsets follow its order, and truncation only cuts the tail. So no
 * epoch index is kept: the answer is always the one the segments give, after a restart, a truncation or a log
 * installed from the leader alike, in O(log batches) index lookups and 4-byte reads.
 *
 * <p>Not thread-safe: used by its {@link PartitionLog} under the log's lock.
 */
final class EpochSearch {
    private final LogIndex index;
    private final NavigableMap<Long, Segment> segments;
    private final String name;
    private final IndexEntry entry = new IndexEntry();
    private final ByteBuffer epochBytes = ByteBuffer.allocate(Integer.BYTES);

    EpochSearch(LogIndex index, NavigableMap<Long, Segment> segments, String name) {
        this.index = index;
        this.segments = segments;
        this.name = name;
    }

    /** The first offset in {@code [from, to)} whose batch has an epoch above {@code epoch}, or {@code to}. */
    long firstOffsetAbove(int epoch, long from, long to) throws IOException {
        long lo = from;
        long hi = to; // the answer lies in [lo, hi]
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            int e = epochAt(mid);
            if (e > epoch) {
                hi = Math.max(lo, entry.baseOffset());
            } else {
                lo = entry.nextOffset();
            }
        }
        return Math.min(lo, to);
    }

    /** The partition leader epoch of the batch holding {@code offset}; leaves that batch in {@link #entry}. */
    int epochAt(long offset) throws IOException {
        Checks.state(index.floorBatch(offset, entry) && entry.nextOffset() > offset, "partition %s: no batch holds offset %s",
                name, offset);
        Segment segment = segments.get(entry.segmentBase());
        Checks.state(segment != null, "index names segment %s of %s, which does not exist", entry.segmentBase(), name);
        epochBytes.clear();
        long at = (long) entry.position() + RecordBatchHeader.PARTITION_LEADER_EPOCH_OFFSET;
        while (epochBytes.hasRemaining()) {
            if (segment.channel().read(epochBytes, at + epochBytes.position()) < 0) {
                throw new IOException("partition " + name + ": segment " + segment.baseOffset() + " ends inside the batch at "
                        + entry.baseOffset());
            }
        }
        return epochBytes.getInt(0);
    }
}
