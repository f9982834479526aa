package io.kayak.log;

/** Base of every typed failure the partition log reports. The network layer maps subclasses to Kafka error codes. */
public class LogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LogException(String message) {
        super(message);
    }

    public LogException(String message, Throwable cause) {
        super(message, cause);
    }
}
