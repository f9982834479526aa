package io.kayak.log;

/** A call reached a log or log directory after {@code close()}. */
public final class LogClosedException extends LogException {
    private static final long serialVersionUID = 1L;

    public LogClosedException(String what) {
        super(what + " is closed");
    }
}
