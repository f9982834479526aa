package io.kayak.log;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The storage engine's configuration: the one place partition-log reads keys. Every key has a name, a
 * default and a typed accessor; names follow Apache Kafka where the concept is the same and live under
 * {@code kayak.} otherwise. docs/OPERATIONS.md lists them all.
 *
 * <p>Immutable and thread-safe. Build with {@link #from(Map)} (validates and fails with a message that
 * names the keys) or {@link #defaults()}.
 */
public final class LogConfig {
    public static final String SEGMENT_BYTES = "log.segment.bytes";
    public static final String ROLL_MS = "log.roll.ms";
    public static final String ROLL_HOURS = "log.roll.hours";
    public static final String RETENTION_MS = "log.retention.ms";
    public static final String RETENTION_MINUTES = "log.retention.minutes";
    public static final String RETENTION_HOURS = "log.retention.hours";
    public static final String RETENTION_BYTES = "log.retention.bytes";
    public static final String RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String FLUSH_POLICY = "kayak.log.flush.policy";
    public static final String SEGMENT_WRITE_MODE = "kayak.log.segment.write.mode";
    public static final String INDEX_FLUSH_INTERVAL_MS = "kayak.log.index.flush.interval.ms";

    /** Every key this class reads; the node rejects keys that no module claims. */
    public static final Set<String> KEYS = Set.of(SEGMENT_BYTES, ROLL_MS, ROLL_HOURS, RETENTION_MS, RETENTION_MINUTES,
            RETENTION_HOURS, RETENTION_BYTES, RETENTION_CHECK_INTERVAL_MS, MESSAGE_MAX_BYTES, FLUSH_INTERVAL_MS,
            FILE_DELETE_DELAY_MS, FLUSH_POLICY, SEGMENT_WRITE_MODE, INDEX_FLUSH_INTERVAL_MS);

    public static final int DEFAULT_SEGMENT_BYTES = 1 << 30;
    public static final long DEFAULT_ROLL_HOURS = 168;
    public static final long DEFAULT_RETENTION_HOURS = 168;
    public static final long DEFAULT_RETENTION_BYTES = -1;
    public static final long DEFAULT_RETENTION_CHECK_INTERVAL_MS = 300_000;
    /** Kafka's default: 1 MiB of records plus the batch overhead. */
    public static final int DEFAULT_MESSAGE_MAX_BYTES = 1_048_588;
    public static final long DEFAULT_FLUSH_INTERVAL_MS = 1_000;
    public static final long DEFAULT_FILE_DELETE_DELAY_MS = 60_000;
    /** Bounds how much a restart after a crash re-validates: the data appended since the last index flush. */
    public static final long DEFAULT_INDEX_FLUSH_INTERVAL_MS = 10_000;
    public static final FlushPolicy DEFAULT_FLUSH_POLICY = FlushPolicy.EVERY_APPEND;
    public static final SegmentWriteMode DEFAULT_SEGMENT_WRITE_MODE = SegmentWriteMode.CHANNEL;
    /** The smallest segment accepted: one header-sized batch must fit. */
    public static final int MIN_SEGMENT_BYTES = io.kayak.log.batch.RecordBatchHeader.HEADER_SIZE;

    private final int segmentBytes;
    private final long rollMs;
    private final long retentionMs;
    private final long retentionBytes;
    private final long retentionCheckIntervalMs;
    private final int messageMaxBytes;
    private final long flushIntervalMs;
    private final long fileDeleteDelayMs;
    private final long indexFlushIntervalMs;
    private final FlushPolicy flushPolicy;
    private final SegmentWriteMode segmentWriteMode;

    private LogConfig(Map<String, String> props) {
        segmentBytes = intValue(props, SEGMENT_BYTES, DEFAULT_SEGMENT_BYTES, MIN_SEGMENT_BYTES);
        rollMs = firstOf(props, ROLL_MS, null, ROLL_HOURS, DEFAULT_ROLL_HOURS);
        retentionMs = firstOf(props, RETENTION_MS, RETENTION_MINUTES, RETENTION_HOURS, DEFAULT_RETENTION_HOURS);
        retentionBytes = longValue(props, RETENTION_BYTES, DEFAULT_RETENTION_BYTES, -1);
        retentionCheckIntervalMs = longValue(props, RETENTION_CHECK_INTERVAL_MS, DEFAULT_RETENTION_CHECK_INTERVAL_MS, 1);
        messageMaxBytes = intValue(props, MESSAGE_MAX_BYTES, DEFAULT_MESSAGE_MAX_BYTES, 0);
        flushIntervalMs = longValue(props, FLUSH_INTERVAL_MS, DEFAULT_FLUSH_INTERVAL_MS, 1);
        fileDeleteDelayMs = longValue(props, FILE_DELETE_DELAY_MS, DEFAULT_FILE_DELETE_DELAY_MS, 0);
        indexFlushIntervalMs = longValue(props, INDEX_FLUSH_INTERVAL_MS, DEFAULT_INDEX_FLUSH_INTERVAL_MS, 1);
        flushPolicy = props.containsKey(FLUSH_POLICY) ? FlushPolicy.parse(props.get(FLUSH_POLICY)) : DEFAULT_FLUSH_POLICY;
        segmentWriteMode = props.containsKey(SEGMENT_WRITE_MODE)
                ? SegmentWriteMode.parse(props.get(SEGMENT_WRITE_MODE)) : DEFAULT_SEGMENT_WRITE_MODE;
        if (rollMs <= 0) {
            throw new IllegalArgumentException(ROLL_MS + "/" + ROLL_HOURS + " must be positive; got " + rollMs + " ms");
        }
        if (retentionMs < -1 || retentionMs == 0) {
            throw new IllegalArgumentException(RETENTION_MS + " (or its minutes/hours forms) must be positive, or -1 for unlimited");
        }
        if (messageMaxBytes > segmentBytes) {
            throw new IllegalArgumentException(MESSAGE_MAX_BYTES + "=" + messageMaxBytes + " is larger than "
                    + SEGMENT_BYTES + "=" + segmentBytes + ": a batch of the largest allowed size would not fit in a segment");
        }
    }

    /** Reads and validates the keys of this module from {@code props}; other keys are ignored here. */
    public static LogConfig from(Map<String, String> props) {
        return new LogConfig(props);
    }

    public static LogConfig defaults() {
        return new LogConfig(Map.of());
    }

    /** A copy with {@code key} set to {@code value}, validated like {@link #from(Map)}. */
    public LogConfig with(String key, Object value) {
        Map<String, String> props = toMap();
        props.put(key, String.valueOf(value));
        return from(props);
    }

    /** The effective settings as key/value strings, in the canonical (millisecond) form. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SEGMENT_BYTES, Integer.toString(segmentBytes));
        m.put(ROLL_MS, Long.toString(rollMs));
        m.put(RETENTION_MS, Long.toString(retentionMs));
        m.put(RETENTION_BYTES, Long.toString(retentionBytes));
        m.put(RETENTION_CHECK_INTERVAL_MS, Long.toString(retentionCheckIntervalMs));
        m.put(MESSAGE_MAX_BYTES, Integer.toString(messageMaxBytes));
        m.put(FLUSH_INTERVAL_MS, Long.toString(flushIntervalMs));
        m.put(FILE_DELETE_DELAY_MS, Long.toString(fileDeleteDelayMs));
        m.put(INDEX_FLUSH_INTERVAL_MS, Long.toString(indexFlushIntervalMs));
        m.put(FLUSH_POLICY, flushPolicy.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        m.put(SEGMENT_WRITE_MODE, segmentWriteMode.name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }

    public int segmentBytes() {
        return segmentBytes;
    }

    public long rollMs() {
        return rollMs;
    }

    /** Retention by time; -1 keeps data forever. */
    public long retentionMs() {
        return retentionMs;
    }

    /** Retention by size of the whole partition; -1 means no limit. */
    public long retentionBytes() {
        return retentionBytes;
    }

    public long retentionCheckIntervalMs() {
        return retentionCheckIntervalMs;
    }

    public int messageMaxBytes() {
        return messageMaxBytes;
    }

    public long flushIntervalMs() {
        return flushIntervalMs;
    }

    public long fileDeleteDelayMs() {
        return fileDeleteDelayMs;
    }

    /** How often the log directory makes its RocksDB index durable. */
    public long indexFlushIntervalMs() {
        return indexFlushIntervalMs;
    }

    public FlushPolicy flushPolicy() {
        return flushPolicy;
    }

    public SegmentWriteMode segmentWriteMode() {
        return segmentWriteMode;
    }

    @Override
    public String toString() {
        return "LogConfig" + toMap();
    }

    /** The first key present among ms / minutes / hours wins, as in Kafka; -1 passes through unscaled. */
    private static long firstOf(Map<String, String> props, String msKey, String minKey, String hourKey, long defaultHours) {
        if (props.containsKey(msKey)) {
            return longValue(props, msKey, 0, -1);
        }
        if (minKey != null && props.containsKey(minKey)) {
            long v = longValue(props, minKey, 0, -1);
            return v < 0 ? v : TimeUnit.MINUTES.toMillis(v);
        }
        long v = longValue(props, hourKey, defaultHours, -1);
        return v < 0 ? v : TimeUnit.HOURS.toMillis(v);
    }

    private static long longValue(Map<String, String> props, String key, long defaultValue, long min) {
        String raw = props.get(key);
        if (raw == null) {
            return defaultValue;
        }
        long v;
        try {
            v = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer; got '" + raw + "'", e);
        }
        if (v < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + "; got " + v);
        }
        return v;
    }

    private static int intValue(Map<String, String> props, String key, int defaultValue, int min) {
        long v = longValue(props, key, defaultValue, min);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be at most " + Integer.MAX_VALUE + "; got " + v);
        }
        return (int) v;
    }
}
