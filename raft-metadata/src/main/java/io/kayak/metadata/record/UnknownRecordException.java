package io.kayak.metadata.record;

/** A record type or version this build cannot read. A node that meets one refuses to start. */
public final class UnknownRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownRecordException(String message) {
        super(message);
    }
}
