package io.kayak.log.index;

import io.kayak.log.LogOfflineException;
import java.nio.ByteBuffer;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * {@link LogIndex} of one partition inside a {@link RocksIndexStore}. Keys and values are encoded into
 * buffers allocated once per partition; the batch cursor is one RocksIterator, refreshed only after a
 * write, so lookups allocate nothing on the Java heap.
 *
 * <p>Thread model: confined to the owning log's lock. A RocksDB failure is a disk error and surfaces as
 * {@link LogOfflineException}.
 */
public final class RocksLogIndex implements LogIndex {
    private static final int KEY_SIZE = 16;
    private static final int BATCH_VALUE_SIZE = 28;

    private final RocksIndexStore store;
    private final long id;
    private final byte[] stateKey;
    private final byte[] keyBytes = new byte[KEY_SIZE];
    private final ByteBuffer key = ByteBuffer.wrap(keyBytes);
    private final byte[] valueBytes = new byte[BATCH_VALUE_SIZE];
    private final ByteBuffer value = ByteBuffer.wrap(valueBytes);
    private final byte[] cursorKeyBytes = new byte[KEY_SIZE];
    private final ByteBuffer cursorKey = ByteBuffer.wrap(cursorKeyBytes);
    private final byte[] cursorValueBytes = new byte[BATCH_VALUE_SIZE];
    private final ByteBuffer cursorValue = ByteBuffer.wrap(cursorValueBytes);
    private final RocksIterator cursor;
    private boolean cursorStale;
    private boolean closed;

    RocksLogIndex(RocksIndexStore store, long id) {
        this.store = store;
        this.id = id;
        this.stateKey = key(id);
        this.cursor = store.db().newIterator(store.batches, store.readOptions);
    }

    static byte[] key(long id) {
        return ByteBuffer.allocate(8).putLong(id).array();
    }

    @Override
    public void putBatch(long baseOffset, long segmentBase, int position, int size, int lastOffsetDelta, long maxTimestamp) {
        key.putLong(0, id).putLong(8, baseOffset);
        value.putLong(0, segmentBase).putInt(8, position).putInt(12, size).putInt(16, lastOffsetDelta).putLong(20, maxTimestamp);
        try {
            store.db().put(store.batches, store.writeOptions, keyBytes, 0, KEY_SIZE, valueBytes, 0, BATCH_VALUE_SIZE);
        } catch (RocksDBException e) {
            throw failure("index write", e);
        }
        cursorStale = true;
    }

    @Override
    public void putTimestamp(long maxTimestamp, long baseOffset) {
        key.putLong(0, id).putLong(8, maxTimestamp ^ Long.MIN_VALUE);
        value.putLong(0, baseOffset);
        try {
            store.db().put(store.timestamps, store.writeOptions, keyBytes, 0, KEY_SIZE, valueBytes, 0, 8);
        } catch (RocksDBException e) {
            throw failure("timestamp index write", e);
        }
    }

    @Override
    public boolean floorBatch(long offset, IndexEntry into) {
        refreshCursor();
        cursorKey.putLong(0, id).putLong(8, offset);
        cursor.seekForPrev(cursorKeyBytes);
        return readCursor(into);
    }

    @Override
    public boolean ceilingBatch(long offset, IndexEntry into) {
        refreshCursor();
        cursorKey.putLong(0, id).putLong(8, offset);
        cursor.seek(cursorKeyBytes);
        return readCursor(into);
    }

    @Override
    public boolean lastBatch(IndexEntry into) {
        return floorBatch(Long.MAX_VALUE, into);
    }

    @Override
    public boolean nextBatch(IndexEntry into) {
        if (!cursor.isValid()) {
            return false;
        }
        cursor.next();
        return readCursor(into);
    }

    private boolean readCursor(IndexEntry into) {
        if (!cursor.isValid()) {
            checkIterator();
            return false;
        }
        cursor.key(cursorKeyBytes);
        if (cursorKey.getLong(0) != id) {
            return false;
        }
        cursor.value(cursorValueBytes);
        into.baseOffset = cursorKey.getLong(8);
        into.segmentBase = cursorValue.getLong(0);
        into.position = cursorValue.getInt(8);
        into.size = cursorValue.getInt(12);
        into.lastOffsetDelta = cursorValue.getInt(16);
        into.maxTimestamp = cursorValue.getLong(20);
        return true;
    }

    private void refreshCursor() {
        if (cursorStale) {
            try {
                cursor.refresh();
            } catch (RocksDBException e) {
                throw failure("index read", e);
            }
            cursorStale = false;
        }
    }

    private void checkIterator() {
        try {
            cursor.status();
        } catch (RocksDBException e) {
            throw failure("index read", e);
        }
    }

    @Override
    public long timestampSearchStart(long timestamp) {
        try (RocksIterator it = store.db().newIterator(store.timestamps, store.readOptions)) {
            it.seek(ByteBuffer.allocate(KEY_SIZE).putLong(id).putLong(timestamp ^ Long.MIN_VALUE).array());
            if (!it.isValid() || ByteBuffer.wrap(it.key()).getLong() != id) {
                return -1;
            }
            return ByteBuffer.wrap(it.value()).getLong();
        }
    }

    @Override
    public void removeFrom(long offset) {
        try {
            store.deleteRange(store.batches, id, offset, Long.MAX_VALUE);
            deleteTimestamps(offset, true);
        } catch (RocksDBException e) {
            throw failure("index truncate", e);
        }
        cursorStale = true;
    }

    @Override
    public void removeBefore(long offset) {
        try {
            store.deleteRange(store.batches, id, 0, offset);
            deleteTimestamps(offset, false);
        } catch (RocksDBException e) {
            throw failure("index delete", e);
        }
        cursorStale = true;
    }

    /**
     * Timestamp entries rise with their offsets, so the entries pointing at or above {@code offset} form a
     * suffix and those below it a prefix; walk from the matching end and delete until the boundary.
     */
    private void deleteTimestamps(long offset, boolean atOrAbove) throws RocksDBException {
        try (RocksIterator it = store.db().newIterator(store.timestamps, store.readOptions)) {
            if (atOrAbove) {
                it.seekForPrev(ByteBuffer.allocate(KEY_SIZE).putLong(id).putLong(-1L).array());
            } else {
                it.seek(ByteBuffer.allocate(KEY_SIZE).putLong(id).putLong(0).array());
            }
            while (it.isValid()) {
                byte[] k = it.key();
                if (ByteBuffer.wrap(k).getLong() != id) {
                    break;
                }
                long target = ByteBuffer.wrap(it.value()).getLong();
                if (atOrAbove ? target < offset : target >= offset) {
                    break;
                }
                store.db().delete(store.timestamps, store.writeOptions, k);
                if (atOrAbove) {
                    it.prev();
                } else {
                    it.next();
                }
            }
            it.status();
        }
    }

    @Override
    public PartitionState readState() {
        try {
            byte[] bytes = store.db().get(store.state, store.readOptions, stateKey);
            return bytes == null ? null : PartitionState.decode(bytes);
        } catch (RocksDBException e) {
            throw failure("state read", e);
        }
    }

    @Override
    public void writeState(PartitionState state) {
        try {
            store.db().put(store.state, store.writeOptions, stateKey, state.encode());
        } catch (RocksDBException e) {
            throw failure("state write", e);
        }
    }

    @Override
    public void sync() {
        store.sync();
    }

    @Override
    public void clear() {
        try {
            store.deleteRange(store.batches, id, 0, Long.MAX_VALUE);
            store.deleteRange(store.timestamps, id, 0, Long.MAX_VALUE);
            store.db().delete(store.state, store.writeOptions, stateKey);
        } catch (RocksDBException e) {
            throw failure("index clear", e);
        }
        cursorStale = true;
    }

    private LogOfflineException failure(String what, RocksDBException e) {
        return new LogOfflineException(what + " failed in " + store.path() + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cursor.close();
        }
    }
}
