package io.kayak.log;

/** A batch larger than {@code message.max.bytes} was refused; the log is unchanged. */
public final class BatchTooLargeException extends LogException {
    private static final long serialVersionUID = 1L;

    private final int sizeBytes;
    private final int maxBytes;

    public BatchTooLargeException(int sizeBytes, int maxBytes) {
        super("record batch of " + sizeBytes + " bytes exceeds message.max.bytes=" + maxBytes);
        this.sizeBytes = sizeBytes;
        this.maxBytes = maxBytes;
    }

    public int sizeBytes() {
        return sizeBytes;
    }

    public int maxBytes() {
        return maxBytes;
    }
}
