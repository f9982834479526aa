package io.kayak.admin;

/**
 * A command that could not do what it was asked, with a message for the user that says why and what to do.
 * {@link KayakAdmin} prints it and exits with 1. The cause, if any, is the Kafka error behind it.
 */
class CommandFailedException extends RuntimeException {
    CommandFailedException(String message) {
        super(message);
    }

    CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
