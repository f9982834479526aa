package io.kayak.log;

/**
 * How the active segment is written ({@code kayak.log.segment.write.mode}). Reads always go through the
 * segment's FileChannel so they can be sent with zero copy. docs/BENCHMARKS.md has the figures behind
 * the default.
 */
public enum SegmentWriteMode {
    /** Positional {@code FileChannel.write}; the file grows with the data. */
    CHANNEL,
    /** A memory mapping of a sparse file of {@code log.segment.bytes}, trimmed to its real size on roll and close. */
    MMAP;

    static SegmentWriteMode parse(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "channel" -> CHANNEL;
            case "mmap" -> MMAP;
            default -> throw new IllegalArgumentException(
                    "kayak.log.segment.write.mode must be channel or mmap; got '" + value + "'");
        };
    }
}
