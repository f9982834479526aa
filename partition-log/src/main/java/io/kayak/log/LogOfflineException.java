package io.kayak.log;

/**
 * The log is offline because a write or fsync failed. Disk errors are sticky: after the first one every
 * call fails with this exception (Kafka's KAFKA_STORAGE_ERROR); a failed fsync is never retried, because
 * the kernel may already have dropped the dirty pages it could not write.
 */
public final class LogOfflineException extends LogException {
    private static final long serialVersionUID = 1L;

    public LogOfflineException(String message, Throwable cause) {
        super(message, cause);
    }
}
