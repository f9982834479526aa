package io.kayak.network.service;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * What the network layer asks of the partitions hosted by this node. Implemented by the broker over the
 * replicated partition logs; network/ sees only these types.
 *
 * <p>Expected failures (not the leader, unknown partition, refused batch, timeout) are results carrying a
 * {@link PartitionError}, never exceptions. Thread-safe; no method blocks except where it says so.
 */
public interface PartitionService {
    /** {@code ListOffsets} timestamp for the log start offset. */
    long EARLIEST_TIMESTAMP = -2L;
    /** {@code ListOffsets} timestamp for the high watermark. */
    long LATEST_TIMESTAMP = -1L;
    /**
     * {@code ListOffsets} (v7+) timestamp for the record with the largest timestamp below the high watermark; ties go
     * to the lowest offset.
     */
    long MAX_TIMESTAMP = -3L;
    /** A current leader epoch the client did not give. */
    int NO_EPOCH = -1;

    /**
     * Appends {@code records} (one or more Kafka v2 batches; exactly one if idempotent) to the partition this
     * node leads. The future completes once the append is committed and applied, or failed, or after
     * {@code timeoutMs} with {@link PartitionError#REQUEST_TIMED_OUT}. The buffer is copied before return.
     */
    CompletableFuture<AppendResult> append(TopicPartition partition, ByteBuffer records, Acks acks, long timeoutMs);

    /**
     * Reads whole batches from {@code offset} up to {@code maxBytes} (at least one batch, if any is committed,
     * as Kafka does) and below the high watermark, on the leader only.
     */
    default ReadResult read(TopicPartition partition, long offset, int maxBytes) {
        return read(partition, offset, maxBytes, NO_EPOCH);
    }

    /**
     * As {@link #read(TopicPartition, long, int)}, first checking the client's view of the leader's epoch (-1:
     * none given): {@link PartitionError#FENCED_LEADER_EPOCH} if it is older than this leader's,
     * {@link PartitionError#UNKNOWN_LEADER_EPOCH} if newer.
     */
    ReadResult read(TopicPartition partition, long offset, int maxBytes, int currentLeaderEpoch);

    /**
     * Where the history of {@code leaderEpoch} ends in the partition's committed log (Kafka's OffsetForLeaderEpoch),
     * on the leader, after the same check of {@code currentLeaderEpoch} as {@link #read}: the first offset of a
     * later epoch's records, or the high watermark when none has any, with the largest epoch at or below
     * {@code leaderEpoch} that has records (or {@code leaderEpoch} itself when none has). A leader still applying
     * what earlier terms committed answers {@link PartitionError#LEADER_NOT_AVAILABLE}: its high watermark is not
     * yet the committed end.
     */
    EpochEndOffset endOffsetForEpoch(TopicPartition partition, int currentLeaderEpoch, int leaderEpoch);

    /**
     * Asks the partition's preferred (first assigned) replica to take over its leadership, from any node; completes
     * once it leads, or it cannot, or after {@code timeoutMs}. Never completes exceptionally.
     */
    CompletableFuture<ElectionResult> electPreferred(TopicPartition partition, long timeoutMs);

    /** This node's data directories with the partition replicas stored in each. */
    List<LogDirInfo> logDirs();

    /** Registers a listener for high watermark advances and leader changes of the partitions hosted here. */
    void addListener(PartitionListener listener);

    /**
     * The earliest offset whose record has a timestamp at or after {@code timestamp}, or the offset one of the three
     * constants names ({@link #EARLIEST_TIMESTAMP}, {@link #LATEST_TIMESTAMP}, {@link #MAX_TIMESTAMP}).
     */
    OffsetResult listOffset(TopicPartition partition, long timestamp);

    /**
     * Deletes every record below {@code offset} (or up to the high watermark, for -1) through the replicated
     * log; completes with the new log start offset.
     */
    CompletableFuture<OffsetResult> deleteRecords(TopicPartition partition, long offset, long timeoutMs);

    /** The recorded leader, epoch, replicas and ISR of a partition, or empty if the partition does not exist. */
    Optional<PartitionLeader> leader(TopicPartition partition);
}
