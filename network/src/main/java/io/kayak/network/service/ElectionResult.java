package io.kayak.network.service;

/** The outcome of asking for a partition's preferred replica to lead it. */
public enum ElectionResult {
    /** The preferred replica took over. */
    ELECTED,
    /** The preferred replica already leads. */
    NOT_NEEDED,
    /**
     * The preferred replica cannot take over now: it is not in the ISR, the partition has no leader to hand over,
     * or the hand-over was refused or timed out.
     */
    NOT_AVAILABLE,
    /** No such topic or partition. */
    UNKNOWN_PARTITION
}
