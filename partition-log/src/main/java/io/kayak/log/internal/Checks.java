package io.kayak.log.internal;

/**
 * Always-on invariant checks. Unlike Java {@code assert}, these run in production: a broken invariant
 * in the storage engine must stop the operation before anything reaches the disk.
 */
public final class Checks {
    private Checks() {
    }

    /** Fails with {@link IllegalStateException} when {@code condition} is false. */
    public static void state(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException(String.format(format, args));
        }
    }

    /** Fails with {@link IllegalArgumentException} when {@code condition} is false. */
    public static void argument(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }
}
