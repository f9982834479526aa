package io.kayak.log;

/**
 * When the log fsyncs on its own ({@code kayak.log.flush.policy}). An explicit {@link PartitionLog#flush()}
 * always fsyncs, whatever the policy.
 */
public enum FlushPolicy {
    /** Fsync before {@link PartitionLog#append} returns: an acknowledged batch is on disk (the default). */
    EVERY_APPEND,
    /** Fsync from the log directory's background task every {@code log.flush.interval.ms}. */
    INTERVAL,
    /** Never fsync on its own: only when {@link PartitionLog#flush()} is called and on close; otherwise the OS writes back. */
    NEVER;

    static FlushPolicy parse(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "every-append" -> EVERY_APPEND;
            case "interval" -> INTERVAL;
            case "never" -> NEVER;
            default -> throw new IllegalArgumentException(
                    "kayak.log.flush.policy must be one of every-append, interval, never; got '" + value + "'");
        };
    }
}
