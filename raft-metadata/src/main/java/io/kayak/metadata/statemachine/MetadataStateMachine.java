package io.kayak.metadata.statemachine;

import io.kayak.metadata.ApplyResult;
import io.kayak.metadata.MetadataDelta;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.MetadataListener;
import io.kayak.metadata.quorum.Proposal;
import io.kayak.metadata.record.MetadataRecord;
import io.kayak.metadata.record.RecordCodec;
import io.kayak.metadata.record.UnknownRecordException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of the metadata quorum: decodes each committed entry into a {@link MetadataRecord},
 * applies it with {@link RecordApplier} to produce the next immutable {@link MetadataImage}, publishes the
 * image (a volatile write readers pick up without locks), tells listeners (old image, delta, new image),
 * and answers the proposer with the {@link ApplyResult}.
 *
 * <p>Snapshots: the whole image in one file ({@link MetadataImage#writeTo}) named by Ratis's
 * {@code snapshot.term_index} convention with an MD5 file beside it, written to a temp file and renamed.
 * Ratis triggers them every {@code kayak.metadata.snapshot.entries} entries and purges its log behind them;
 * a follower that fell behind the purged log receives the snapshot file and {@link #reinitialize()} loads it.
 *
 * <p>An entry this build cannot decode (a newer record version) stops the state machine with
 * {@link UnknownRecordException}: the node must not apply anything after a record it does not understand.
 *
 * <p>Thread model: Ratis calls {@code applyTransaction} serially on its apply thread; {@link #image()} is
 * safe from any thread.
 */
public final class MetadataStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final RecordApplier applier = new RecordApplier();
    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private final Object appliedMonitor = new Object();
    private volatile RuntimeException fatal;
    private final java.util.concurrent.atomic.AtomicLong bytesSinceSnapshot = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean snapshotRequested = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile long snapshotBytes = Long.MAX_VALUE;
    private volatile Runnable snapshotRequester = () -> { };
    private volatile java.util.function.Consumer<RuntimeException> fatalHandler = e -> { };
    private final java.util.concurrent.atomic.AtomicInteger installedSnapshots = new java.util.concurrent.atomic.AtomicInteger();

    public MetadataImage image() {
        return image;
    }

    /**
     * Waits until this node has applied {@code index} (for read-your-writes after a proposal).
     *
     * @return false if {@code timeoutMs} passed first
     */
    public boolean awaitApplied(long index, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (appliedMonitor) {
            while (image.appliedIndex() < index) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(appliedMonitor, left);
            }
        }
        return true;
    }

    public void addListener(MetadataListener listener) {
        listeners.add(listener);
    }

    public void removeListener(MetadataListener listener) {
        listeners.remove(listener);
    }

    /** The error that stopped this state machine, or null. */
    public RuntimeException fatalError() {
        return fatal;
    }

    /**
     * Asks for a snapshot through {@code requester} (run off the apply thread by the caller's choice) once
     * {@code thresholdBytes} of records were applied since the last one: the byte trigger that complements
     * Ratis's own entry-count trigger.
     */
    public void snapshotEveryBytes(long thresholdBytes, Runnable requester) {
        this.snapshotBytes = thresholdBytes;
        this.snapshotRequester = requester;
    }

    /** The index of the newest snapshot on this node's disk, or -1. */
    public long latestSnapshotIndex() {
        SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
        return latest == null ? -1 : latest.getIndex();
    }

    /** Record bytes applied since the last snapshot. */
    public long bytesSinceSnapshot() {
        return bytesSinceSnapshot.get();
    }

    /** Called once, on the apply thread, when the state machine stops on an entry it cannot apply. */
    public void onFatalError(java.util.function.Consumer<RuntimeException> handler) {
        fatalHandler = handler;
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            loadLatestSnapshot();
        });
    }

    /** Ratis pauses the state machine before it installs a snapshot from the leader. */
    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** Called by Ratis after it installed a snapshot received from the leader: load it and resume. */
    @Override
    public void reinitialize() throws IOException {
        loadLatestSnapshot();
        installedSnapshots.incrementAndGet();
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    /** How many snapshots from the leader this state machine has loaded since it started. */
    public int installedSnapshots() {
        return installedSnapshots.get();
    }

    private void loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        Path file = snapshot.getFile().getPath();
        MD5Hash expected = MD5FileUtil.readStoredMd5ForFile(file.toFile());
        MD5Hash actual = MD5FileUtil.computeMd5ForFile(file.toFile());
        if (expected != null && !expected.equals(actual)) {
            throw new IOException("metadata snapshot " + file + " fails its MD5 check");
        }
        MetadataImage loaded;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            loaded = MetadataImage.readFrom(in);
        }
        image = loaded;
        setLastAppliedTermIndex(TermIndex.valueOf(loaded.appliedTerm(), loaded.appliedIndex()));
        LOG.info("Loaded metadata snapshot {} at index {}", file.getFileName(), loaded.appliedIndex());
    }

    /**
     * Runs on the leader before the proposal is appended: a proposal past its deadline is refused, so a
     * client retry that arrives after its caller gave up never enters the log.
     */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        long deadline = Proposal.deadlineMs(request.getMessage().getContent());
        long now = System.currentTimeMillis();
        if (now > deadline) {
            throw new IOException("proposal arrived " + (now - deadline) + " ms after its deadline; not appended");
        }
        return super.startTransaction(request);
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        if (fatal != null) {
            return CompletableFuture.failedFuture(fatal);
        }
        MetadataRecord record;
        try {
            record = RecordCodec.decode(Proposal.recordBytes(entry.getStateMachineLogEntry().getLogData()));
        } catch (UnknownRecordException | IllegalArgumentException e) {
            fatal = e instanceof UnknownRecordException u ? u
                    : new UnknownRecordException("entry " + entry.getIndex() + " cannot be decoded: " + e.getMessage());
            LOG.error("Metadata state machine stopped at index {}: {}", entry.getIndex(), fatal.getMessage());
            fatalHandler.accept(fatal);
            return CompletableFuture.failedFuture(fatal);
        }
        long applied = bytesSinceSnapshot.addAndGet(entry.getStateMachineLogEntry().getLogData().size());
        if (applied >= snapshotBytes && snapshotRequested.compareAndSet(false, true)) {
            snapshotRequester.run();
        }
        MetadataImage before = image;
        RecordApplier.Outcome outcome = applier.apply(before, record);
        MetadataImage after = outcome.image().at(entry.getTerm(), entry.getIndex());
        image = after;
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        ApplyResult result = outcome.result().at(entry.getIndex());
        MetadataDelta delta = new MetadataDelta(entry.getIndex(), record, result);
        for (MetadataListener l : listeners) {
            try {
                l.onApplied(before, delta, after);
            } catch (RuntimeException e) {
                LOG.warn("Metadata listener {} failed at index {}", l, entry.getIndex(), e);
            }
        }
        synchronized (appliedMonitor) {
            appliedMonitor.notifyAll();
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(result.encode())));
    }

    @Override
    public long takeSnapshot() throws IOException {
        MetadataImage snap = image;
        bytesSinceSnapshot.set(0);
        snapshotRequested.set(false);
        if (snap.appliedIndex() < 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        File target = storage.getSnapshotFile(snap.appliedTerm(), snap.appliedIndex());
        Path tmp = target.toPath().resolveSibling(target.getName() + ".tmp");
        try (OutputStream raw = Files.newOutputStream(tmp);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw))) {
            snap.writeTo(out);
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, target.toPath(), StandardCopyOption.ATOMIC_MOVE);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(target);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target.toPath(), md5),
                snap.appliedTerm(), snap.appliedIndex()));
        LOG.info("Took metadata snapshot at index {}", snap.appliedIndex());
        return snap.appliedIndex();
    }
}
