package io.kayak.log;

/** The answer to a search by timestamp: the first record at or after the target, and its own timestamp. */
public record TimestampOffset(long timestamp, long offset) {
}
