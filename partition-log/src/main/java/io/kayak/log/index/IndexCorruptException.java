package io.kayak.log.index;

import io.kayak.log.LogException;

/** The RocksDB index could not be opened or read; the log directory rebuilds it from the segment files. */
public final class IndexCorruptException extends LogException {
    private static final long serialVersionUID = 1L;

    public IndexCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
