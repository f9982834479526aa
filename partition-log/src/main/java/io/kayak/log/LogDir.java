package io.kayak.log;

import io.kayak.log.index.RocksIndexStore;
import io.kayak.log.internal.Checks;
import io.kayak.log.segment.Segment;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One entry of {@code log.dirs}: a directory per partition, one RocksDB index shared by all of them
 * ({@value RocksIndexStore#DIRECTORY_NAME}), a lock file that keeps a second process out, and the
 * background work of the directory: retention every {@code log.retention.check.interval.ms}, interval
 * flushes, index flushes every {@code kayak.log.index.flush.interval.ms}, and closing retired segment
 * files after {@code file.delete.delay.ms}.
 *
 * <p>Thread model: thread-safe. Background tasks run on the injected scheduler, which the caller owns;
 * without one, nothing runs in the background and retired segments are closed at once (tests drive
 * {@link #runRetention()} and {@link #flushDue()} themselves). Closing the directory closes every log,
 * then the index, then releases the lock.
 */
public final class LogDir implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogDir.class);
    private static final Pattern PARTITION_NAME = Pattern.compile("[A-Za-z0-9._-]{1,255}");
    private static final String LOCK_FILE = ".lock";

    private final Path path;
    private final LogConfig config;
    private final InstantSource clock;
    private final ScheduledExecutorService scheduler;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final RocksIndexStore indexStore;
    private final Map<String, PartitionLog> logs = new ConcurrentHashMap<>();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private volatile boolean closed;

    private LogDir(Path path, LogConfig config, InstantSource clock, ScheduledExecutorService scheduler,
                   FileChannel lockChannel, FileLock lock, RocksIndexStore indexStore) {
        this.path = path;
        this.config = config;
        this.clock = clock;
        this.scheduler = scheduler;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.indexStore = indexStore;
    }

    /**
     * Opens the log directory, creating it if needed, and opens (recovers) every partition found in it.
     *
     * @param scheduler runs retention, interval flushes and delayed file closes; null for none
     * @throws IOException if the directory cannot be created or is locked by another process
     */
    public static LogDir open(Path path, LogConfig config, InstantSource clock, ScheduledExecutorService scheduler)
            throws IOException {
        Files.createDirectories(path);
        FileChannel lockChannel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lockChannel.close();
            throw new IOException("log directory " + path + " is in use by this process already", e);
        } catch (IOException e) {
            lockChannel.close();
            throw e;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("log directory " + path + " is in use by another process (" + LOCK_FILE + " is locked)");
        }
        RocksIndexStore store;
        try {
            store = RocksIndexStore.open(path);
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
        LogDir dir = new LogDir(path, config, clock, scheduler, lockChannel, lock, store);
        try {
            dir.openExisting();
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
        dir.scheduleTasks();
        return dir;
    }

    private void openExisting() throws IOException {
        try (Stream<Path> children = Files.list(path)) {
            for (Path child : children.sorted().toList()) {
                String name = child.getFileName().toString();
                if (Files.isDirectory(child) && !name.startsWith(".") && PARTITION_NAME.matcher(name).matches()) {
                    openLog(name);
                }
            }
        }
    }

    private void scheduleTasks() {
        if (scheduler == null) {
            return;
        }
        long retention = config.retentionCheckIntervalMs();
        tasks.add(scheduler.scheduleWithFixedDelay(guarded("retention", this::runRetention), retention, retention,
                TimeUnit.MILLISECONDS));
        long indexFlush = config.indexFlushIntervalMs();
        tasks.add(scheduler.scheduleWithFixedDelay(guarded("index flush", this::syncIndex), indexFlush, indexFlush,
                TimeUnit.MILLISECONDS));
        if (config.flushPolicy() == FlushPolicy.INTERVAL) {
            long flush = config.flushIntervalMs();
            tasks.add(scheduler.scheduleWithFixedDelay(guarded("flush", this::flushDue), flush, flush, TimeUnit.MILLISECONDS));
        }
    }

    private Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Background {} in {} failed", what, path, e);
            }
        };
    }

    /** Opens the partition stored in directory {@code name} with the directory's config, creating it if new. */
    public PartitionLog openLog(String name) throws IOException {
        return openLog(name, config);
    }

    /** Opens the partition with its own config (per-topic overrides), creating it if new. Idempotent. */
    public synchronized PartitionLog openLog(String name, LogConfig logConfig) throws IOException {
        checkOpen();
        Checks.argument(PARTITION_NAME.matcher(name).matches() && !name.startsWith("."),
                "invalid partition directory name '%s': use letters, digits, '.', '_' and '-', not starting with '.'", name);
        PartitionLog existing = logs.get(name);
        if (existing != null) {
            return existing;
        }
        PartitionLog log = PartitionLog.open(name, path.resolve(name), logConfig, clock, indexStore.partition(name),
                this::retire);
        logs.put(name, log);
        return log;
    }

    /** The open log of partition {@code name}, or null. */
    public PartitionLog log(String name) {
        return logs.get(name);
    }

    public List<PartitionLog> logs() {
        return List.copyOf(logs.values());
    }

    /** Closes the partition's log, keeping its files; a later {@link #openLog} opens it again. */
    public synchronized void closeLog(String name) throws IOException {
        checkOpen();
        PartitionLog log = logs.remove(name);
        if (log != null) {
            log.close();
        }
    }

    /** Closes the partition's log and removes its files and index entries. */
    public synchronized void deleteLog(String name) throws IOException {
        checkOpen();
        PartitionLog log = logs.remove(name);
        if (log != null) {
            log.close();
        }
        indexStore.deletePartition(name);
        FileTrees.delete(path.resolve(name));
    }

    /** Applies retention to every online log; returns the number of segments deleted. */
    public int runRetention() {
        int deleted = 0;
        for (PartitionLog log : logs.values()) {
            if (!log.isOffline() && !closed) {
                try {
                    deleted += log.applyRetention();
                } catch (LogClosedException e) {
                    // Closed concurrently (partition deleted): nothing to do.
                }
            }
        }
        return deleted;
    }

    /** Makes the index durable: afterwards a restart re-validates only what is appended from now on. */
    public void syncIndex() {
        if (!closed) {
            try {
                for (PartitionLog log : logs.values()) {
                    log.checkpointState();
                }
                indexStore.sync();
            } catch (LogClosedException e) {
                // Closed concurrently.
            }
        }
    }

    /** Flushes every log whose flush interval has passed. */
    public void flushDue() {
        for (PartitionLog log : logs.values()) {
            try {
                log.flushIfDue();
            } catch (LogClosedException e) {
                // Closed concurrently.
            }
        }
    }

    /**
     * Takes a segment removed by retention or truncation: its file is already unlinked; its channel is
     * closed after {@code file.delete.delay.ms} so slices handed out before the removal can still be read.
     */
    private void retire(Segment segment) {
        if (scheduler == null || closed) {
            closeQuietly(segment);
            return;
        }
        try {
            scheduler.schedule(() -> closeQuietly(segment), config.fileDeleteDelayMs(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            closeQuietly(segment);
        }
    }

    private static void closeQuietly(Segment segment) {
        try {
            segment.close();
        } catch (IOException e) {
            LOG.warn("Closing retired segment {} failed", segment.file(), e);
        }
    }

    public Path path() {
        return path;
    }

    public LogConfig config() {
        return config;
    }

    private void checkOpen() {
        if (closed) {
            throw new LogClosedException("log directory " + path);
        }
    }

    /**
     * A failure probe for tests: releases every file and the index the way a killed process would, without
     * sealing, flushing or writing state. The directory is then reopened to exercise recovery.
     */
    public synchronized void crashForTesting() throws IOException {
        closed = true;
        for (ScheduledFuture<?> t : tasks) {
            t.cancel(false);
        }
        for (PartitionLog log : logs.values()) {
            log.abandonForTesting();
        }
        logs.clear();
        indexStore.closeWithoutFlush();
        lock.release();
        lockChannel.close();
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        for (ScheduledFuture<?> t : tasks) {
            t.cancel(false);
        }
        IOException failure = null;
        for (PartitionLog log : logs.values()) {
            try {
                log.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        logs.clear();
        indexStore.close();
        lock.release();
        lockChannel.close();
        if (failure != null) {
            throw failure;
        }
    }
}
