package io.kayak.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Builder-style context for partition-log tests: a temp log directory, a manual clock and config
 * overrides. Opens the real LogDir (real RocksDB, real files) without a background scheduler.
 */
public final class LogTestContext implements AutoCloseable {
    public static final String PARTITION = "orders-0";

    private final Path root;
    private final Map<String, String> props = new HashMap<>();
    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private LogDir dir;

    public LogTestContext(Path root) {
        this.root = root;
    }

    public LogTestContext with(String key, Object value) {
        props.put(key, String.valueOf(value));
        return this;
    }

    public LogTestContext mode(SegmentWriteMode mode) {
        return with(LogConfig.SEGMENT_WRITE_MODE, mode.name().toLowerCase(java.util.Locale.ROOT));
    }

    public LogConfig config() {
        return LogConfig.from(props);
    }

    /** Opens (or reopens) the directory and returns the test partition's log. */
    public PartitionLog open() throws IOException {
        if (dir == null) {
            dir = LogDir.open(root, config(), clock, null);
        }
        return dir.openLog(PARTITION);
    }

    /** Closes cleanly and reopens. */
    public PartitionLog reopen() throws IOException {
        close();
        return open();
    }

    /** Abandons every file as a killed process would, then reopens (recovery runs). */
    public PartitionLog crashAndReopen() throws IOException {
        crash();
        return open();
    }

    public void crash() throws IOException {
        dir.crashForTesting();
        dir = null;
    }

    public LogDir dir() {
        return dir;
    }

    public ManualClock clock() {
        return clock;
    }

    public Path root() {
        return root;
    }

    public Path partitionDir() {
        return root.resolve(PARTITION);
    }

    @Override
    public void close() throws IOException {
        if (dir != null) {
            dir.close();
            dir = null;
        }
    }
}
