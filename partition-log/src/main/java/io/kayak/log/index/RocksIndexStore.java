package io.kayak.log.index;

import io.kayak.log.LogOfflineException;
import io.kayak.log.FileTrees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The one RocksDB instance of a log directory, shared by all its partitions.
 *
 * <p>Column families:
 * <ul>
 *   <li>{@code default}: store metadata: {@code format.version}, {@code next.partition.id};</li>
 *   <li>{@code partitions}: partition directory name (UTF-8) to an 8-byte partition id, so every other key
 *       starts with a fixed-size prefix;</li>
 *   <li>{@code batches}: id(8) baseOffset(8) to segmentBase(8) position(4) size(4) lastOffsetDelta(4) maxTimestamp(8);</li>
 *   <li>{@code timestamps}: id(8) (maxTimestamp with the sign bit flipped)(8) to baseOffset(8), one entry per
 *       batch that raised the partition's largest timestamp;</li>
 *   <li>{@code state}: id(8) to {@link PartitionState}.</li>
 * </ul>
 * All keys are big-endian so byte order is numeric order.
 *
 * <p>Durability: writes skip the WAL and live in the memtables until {@link #sync()} flushes every column
 * family atomically ({@code atomic_flush}), from the log directory's background task every
 * {@code kayak.log.index.flush.interval.ms}, on truncation and on close. So an append costs no index I/O,
 * and what survives a crash is always one consistent point in time of the whole index; recovery
 * re-validates the segments from that point's recovery points (see {@code LogLoader}).
 *
 * <p>Options, read and write options are created once here and reused. Thread model: RocksDB itself is
 * thread-safe; each {@link RocksLogIndex} is confined to its partition's lock. Closing the store closes
 * every RocksDB handle; partition indexes must be closed first.
 */
public final class RocksIndexStore implements AutoCloseable {
    public static final String DIRECTORY_NAME = ".kayak-index";
    static final int FORMAT_VERSION = 1;
    private static final byte[] FORMAT_KEY = "format.version".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEXT_ID_KEY = "next.partition.id".getBytes(StandardCharsets.UTF_8);
    private static final long BLOCK_CACHE_BYTES = 32L << 20;

    static {
        RocksDB.loadLibrary();
    }

    private final Path path;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final LRUCache blockCache;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;
    final ColumnFamilyHandle partitions;
    final ColumnFamilyHandle batches;
    final ColumnFamilyHandle timestamps;
    final ColumnFamilyHandle state;
    final WriteOptions writeOptions;
    final ReadOptions readOptions;
    private boolean closed;

    private RocksIndexStore(Path path) throws RocksDBException {
        this.path = path;
        blockCache = new LRUCache(BLOCK_CACHE_BYTES);
        cfOptions = new ColumnFamilyOptions()
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache))
                .setWriteBufferSize(16L << 20);
        dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setParanoidChecks(true)
                .setKeepLogFileNum(4)
                .setAtomicFlush(true)
                .setAvoidFlushDuringShutdown(true);
        writeOptions = new WriteOptions().setSync(false).setDisableWAL(true);
        readOptions = new ReadOptions().setVerifyChecksums(true);
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                new ColumnFamilyDescriptor(bytes("partitions"), cfOptions),
                new ColumnFamilyDescriptor(bytes("batches"), cfOptions),
                new ColumnFamilyDescriptor(bytes("timestamps"), cfOptions),
                new ColumnFamilyDescriptor(bytes("state"), cfOptions));
        RocksDB opened;
        try {
            opened = RocksDB.open(dbOptions, path.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            closeOptions();
            throw e;
        }
        db = opened;
        partitions = handles.get(1);
        batches = handles.get(2);
        timestamps = handles.get(3);
        state = handles.get(4);
    }

    /**
     * Opens the index under {@code logDir}, creating it when missing. An index that cannot be opened, or was
     * written by an unknown format version, is deleted and recreated empty; {@code rebuilt} then reports
     * true and every partition is recovered from its segment files.
     */
    public static RocksIndexStore open(Path logDir) throws IOException {
        Path path = logDir.resolve(DIRECTORY_NAME);
        Files.createDirectories(path);
        try {
            RocksIndexStore store = new RocksIndexStore(path);
            if (store.checkFormat()) {
                return store;
            }
            store.close();
        } catch (RocksDBException e) {
            org.slf4j.LoggerFactory.getLogger(RocksIndexStore.class)
                    .warn("The index at {} cannot be opened ({}); rebuilding it from the segment files", path, e.getMessage());
        }
        FileTrees.delete(path);
        Files.createDirectories(path);
        try {
            RocksIndexStore store = new RocksIndexStore(path);
            store.checkFormat();
            return store;
        } catch (RocksDBException e) {
            throw new IOException("cannot create the index at " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes the format version into a new store; false when an existing store has another version. */
    private boolean checkFormat() throws RocksDBException {
        byte[] v = db.get(FORMAT_KEY);
        if (v == null) {
            db.put(writeOptions, FORMAT_KEY, ByteBuffer.allocate(4).putInt(FORMAT_VERSION).array());
            return true;
        }
        int version = ByteBuffer.wrap(v).getInt();
        if (version != FORMAT_VERSION) {
            org.slf4j.LoggerFactory.getLogger(RocksIndexStore.class).warn(
                    "The index at {} has format version {}, this build writes {}; rebuilding it", path, version, FORMAT_VERSION);
            return false;
        }
        return true;
    }

    /** The index of the partition stored in directory {@code name}, creating its id on first use. */
    public synchronized RocksLogIndex partition(String name) {
        checkOpen();
        try {
            byte[] nameBytes = bytes(name);
            byte[] existing = db.get(partitions, nameBytes);
            long id;
            if (existing != null) {
                id = ByteBuffer.wrap(existing).getLong();
            } else {
                byte[] next = db.get(NEXT_ID_KEY);
                id = next == null ? 1 : ByteBuffer.wrap(next).getLong();
                db.put(writeOptions, NEXT_ID_KEY, ByteBuffer.allocate(8).putLong(id + 1).array());
                db.put(partitions, writeOptions, nameBytes, ByteBuffer.allocate(8).putLong(id).array());
                sync();
            }
            return new RocksLogIndex(this, id);
        } catch (RocksDBException e) {
            throw new LogOfflineException("index write failed for partition " + name, e);
        }
    }

    /** Forgets the partition stored in directory {@code name}: its id and every entry under it. */
    public synchronized void deletePartition(String name) {
        checkOpen();
        try {
            byte[] nameBytes = bytes(name);
            byte[] existing = db.get(partitions, nameBytes);
            if (existing == null) {
                return;
            }
            long id = ByteBuffer.wrap(existing).getLong();
            deleteRange(batches, id, 0, Long.MAX_VALUE);
            deleteRange(timestamps, id, 0, Long.MAX_VALUE);
            db.delete(state, writeOptions, RocksLogIndex.key(id));
            db.delete(partitions, writeOptions, nameBytes);
            sync();
        } catch (RocksDBException e) {
            throw new LogOfflineException("index delete failed for partition " + name, e);
        }
    }

    /** Deletes keys id(8)+k(8) for k in [from, to) (and k = to when to is Long.MAX_VALUE). */
    void deleteRange(ColumnFamilyHandle cf, long id, long from, long to) throws RocksDBException {
        byte[] begin = ByteBuffer.allocate(16).putLong(id).putLong(from).array();
        byte[] end = to == Long.MAX_VALUE
                ? ByteBuffer.allocate(8).putLong(id + 1).array()
                : ByteBuffer.allocate(16).putLong(id).putLong(to).array();
        db.deleteRange(cf, writeOptions, begin, end);
    }

    RocksDB db() {
        checkOpen();
        return db;
    }

    Path path() {
        return path;
    }

    /** Makes every write so far durable: one atomic flush of all column families. */
    public synchronized void sync() {
        checkOpen();
        try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
            db.flush(options, handles);
        } catch (RocksDBException e) {
            throw new LogOfflineException("index flush failed at " + path, e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new io.kayak.log.LogClosedException("index store " + path);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
            db.flush(options, handles);
        } catch (RocksDBException e) {
            org.slf4j.LoggerFactory.getLogger(RocksIndexStore.class).warn("index flush on close failed at {}", path, e);
        }
        closed = true;
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        closeOptions();
    }

    /** Closes without flushing: the memtables are lost, as when the process is killed. For failure tests. */
    public synchronized void closeWithoutFlush() {
        if (closed) {
            return;
        }
        closed = true;
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        closeOptions();
    }

    private void closeOptions() {
        readOptions.close();
        writeOptions.close();
        dbOptions.close();
        cfOptions.close();
        blockCache.close();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
