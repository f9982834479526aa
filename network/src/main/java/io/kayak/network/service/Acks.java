package io.kayak.network.service;

/**
 * A producer's {@code acks}. Kayak acknowledges {@link #LEADER} like {@link #ALL}: after a majority of the
 * replicas hold the batch durably and the leader applied it (docs/ARCHITECTURE.md, "acks"). {@link #NONE}
 * appends the same way but nobody waits for the outcome.
 */
public enum Acks {
    NONE,
    LEADER,
    ALL;

    /** Kafka's wire value: 0, 1 or -1. */
    public static Acks fromWire(short acks) {
        switch (acks) {
            case 0:
                return NONE;
            case 1:
                return LEADER;
            case -1:
                return ALL;
            default:
                throw new IllegalArgumentException("acks must be 0, 1 or -1; got " + acks);
        }
    }
}
