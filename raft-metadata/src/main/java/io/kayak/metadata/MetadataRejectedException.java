package io.kayak.metadata;

/** The quorum committed the proposal and every node's state machine refused it, changing nothing. */
public final class MetadataRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final MetadataErrorCode code;

    public MetadataRejectedException(MetadataErrorCode code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public MetadataErrorCode code() {
        return code;
    }
}
