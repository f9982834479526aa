package io.kayak.log;

/**
 * A record batch was refused before anything was written: not magic 2, a CRC mismatch, lengths that do
 * not agree with the buffer, or inconsistent offsets. The log is unchanged.
 */
public final class InvalidBatchException extends LogException {
    private static final long serialVersionUID = 1L;

    /** Why the batch was refused, for callers that map the reason to a protocol error. */
    public enum Reason { TOO_SHORT, LENGTH_MISMATCH, BAD_MAGIC, BAD_CRC, BAD_RECORD_COUNT }

    private final Reason reason;

    public InvalidBatchException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
