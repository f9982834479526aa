package io.kayak.metadata;

/**
 * The proposal could not be committed before its deadline: the quorum has no leader with a majority
 * (or none reachable from this node). Whether it will ever be applied is covered in docs/ARCHITECTURE.md.
 */
public final class QuorumUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QuorumUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
