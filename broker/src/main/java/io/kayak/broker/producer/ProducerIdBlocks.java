package io.kayak.broker.producer;

import io.kayak.metadata.ApplyResult;
import io.kayak.metadata.record.MetadataRecord;
import io.kayak.metadata.record.AllocateProducerIdsRecord;
import io.kayak.network.service.ProducerIds;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Producer ids for this node: handed out from a block of {@link #BLOCK_SIZE} ids that the node claims through
 * the metadata quorum ({@link AllocateProducerIdsRecord}), so ids are unique across the cluster and a restarted
 * node never reuses one (the quorum's counter only grows; unused ids of a block are simply skipped).
 *
 * <p>Thread model: {@link #next} is called from Netty event loops and never blocks them; a new block is claimed
 * on a thread of its own, one claim at a time, and waiting callers are answered when it arrives.
 */
public final class ProducerIdBlocks implements ProducerIds, AutoCloseable {
    static final int BLOCK_SIZE = 1000;

    private final int nodeId;
    private final Function<MetadataRecord, ApplyResult> proposer;
    private final ExecutorService claims;
    private long next;
    private long end;
    private CompletableFuture<Void> claiming;

    public ProducerIdBlocks(int nodeId, Function<MetadataRecord, ApplyResult> proposer) {
        this.nodeId = nodeId;
        this.proposer = proposer;
        this.claims = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kayak-producer-ids-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public synchronized CompletableFuture<Long> next() {
        if (next < end) {
            return CompletableFuture.completedFuture(next++);
        }
        if (claiming == null) {
            claiming = CompletableFuture.runAsync(this::claim, claims);
            claiming.whenComplete((v, e) -> {
                synchronized (this) {
                    claiming = null;
                }
            });
        }
        return claiming.thenCompose(v -> next());
    }

    private void claim() {
        ApplyResult r = proposer.apply(new AllocateProducerIdsRecord(nodeId, BLOCK_SIZE));
        synchronized (this) {
            next = r.value();
            end = r.value() + BLOCK_SIZE;
        }
    }

    @Override
    public void close() {
        claims.shutdownNow();
    }
}
