package io.kayak.metadata.quorum;

/**
 * A change of the metadata quorum's membership or leadership that {@link QuorumMembership} will not make, because
 * it is pointless (the node already is a voter) or unsafe (it would leave no majority of live voters); the message
 * says which and what to do. Nothing was changed.
 */
public final class QuorumChangeRefusedException extends RuntimeException {
    public QuorumChangeRefusedException(String message) {
        super(message);
    }
}
