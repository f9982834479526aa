package io.kayak.metadata.quorum;

import io.kayak.metadata.ApplyResult;
import io.kayak.metadata.MetadataRejectedException;
import io.kayak.metadata.QuorumUnavailableException;
import io.kayak.metadata.record.MetadataRecord;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/**
 * Proposes records to the metadata quorum from any node. The Ratis client finds the leader and follows it
 * across leader changes, retrying every {@link #RETRY_SLEEP_MS} ms; {@link #propose} gives up at its
 * deadline with {@link QuorumUnavailableException} instead of hanging. A record the state machine refuses
 * comes back as {@link MetadataRejectedException}. Each proposal carries its deadline; the leader refuses
 * to append one whose deadline has passed, so a retry still in flight after the caller gave up cannot
 * change the metadata behind its back.
 *
 * <p>Thread-safe. Owns its RaftClient; {@link #close()} closes it.
 */
public final class MetadataClient implements AutoCloseable {
    static final long RETRY_SLEEP_MS = 100;
    private static final long REQUEST_TIMEOUT_MS = 2_000;

    private final RaftClient client;
    private final long defaultTimeoutMs;
    private final ExecutorService callers;

    MetadataClient(RaftGroup group, long defaultTimeoutMs) {
        RaftProperties props = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS));
        int attempts = (int) Math.max(1, defaultTimeoutMs / RETRY_SLEEP_MS);
        this.client = RaftClient.newBuilder()
                .setClientId(ClientId.randomId())
                .setRaftGroup(group)
                .setProperties(props)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts,
                        TimeDuration.valueOf(RETRY_SLEEP_MS, TimeUnit.MILLISECONDS)))
                .build();
        this.defaultTimeoutMs = defaultTimeoutMs;
        this.callers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kayak-metadata-proposal");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A client for a quorum this process is not a member of (tools and benchmarks). The caller closes it.
     */
    public static MetadataClient connect(java.util.List<Voter> voters, long defaultTimeoutMs) {
        java.util.List<org.apache.ratis.protocol.RaftPeer> peers = new java.util.ArrayList<>();
        for (Voter v : voters) {
            peers.add(org.apache.ratis.protocol.RaftPeer.newBuilder().setId(MetadataNode.peerId(v.nodeId()))
                    .setAddress(v.address()).build());
        }
        return new MetadataClient(RaftGroup.valueOf(MetadataNode.GROUP_ID, peers), defaultTimeoutMs);
    }

    /** Proposes with the configured {@code kayak.metadata.proposal.timeout.ms}. */
    public ApplyResult propose(MetadataRecord record) {
        return propose(record, defaultTimeoutMs);
    }

    /**
     * Proposes {@code record} and waits until it is committed and applied by the leader.
     *
     * <p>Each proposal is one blocking Ratis call on its own thread, so a proposal stuck without a quorum
     * never holds up the next one; at the deadline the call is interrupted and stops retrying.
     *
     * @return the accepted result (with its value, e.g. the first id of a producer-id block, and its index)
     * @throws MetadataRejectedException  if the state machine refused it (nothing changed)
     * @throws QuorumUnavailableException if it was not committed within {@code timeoutMs}
     */
    public ApplyResult propose(MetadataRecord record, long timeoutMs) {
        long deadlineMs = System.currentTimeMillis() + timeoutMs;
        Message message = Proposal.encode(deadlineMs, record);
        Future<RaftClientReply> call = callers.submit(() -> client.io().send(message));
        RaftClientReply r;
        try {
            r = call.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new QuorumUnavailableException("the metadata quorum did not commit " + record.type() + " within "
                    + timeoutMs + " ms: no leader with a majority is reachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            throw new QuorumUnavailableException("interrupted while proposing " + record.type(), e);
        } catch (ExecutionException e) {
            throw new QuorumUnavailableException("proposing " + record.type() + " failed: " + e.getCause(), e.getCause());
        }
        if (!r.isSuccess()) {
            throw new QuorumUnavailableException("proposing " + record.type() + " failed: " + r.getException(), r.getException());
        }
        ApplyResult result = ApplyResult.decode(r.getMessage().getContent().toByteArray());
        if (!result.accepted()) {
            throw new MetadataRejectedException(result.code(), result.message());
        }
        return result;
    }

    RaftClient raftClient() {
        return client;
    }

    @Override
    public void close() throws IOException {
        callers.shutdownNow();
        client.close();
    }
}
