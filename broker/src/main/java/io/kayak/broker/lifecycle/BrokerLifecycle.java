package io.kayak.broker.lifecycle;

import io.kayak.metadata.Endpoint;
import io.kayak.metadata.MetadataErrorCode;
import io.kayak.metadata.MetadataRejectedException;
import io.kayak.metadata.QuorumUnavailableException;
import io.kayak.metadata.quorum.MetadataClient;
import io.kayak.metadata.record.BrokerHeartbeatRecord;
import io.kayak.metadata.record.RegisterBrokerRecord;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this broker registered and alive in the metadata: registers with a fresh incarnation id, then
 * renews its lease ({@code broker.session.timeout.ms}) every {@code broker.heartbeat.interval.ms}. A
 * heartbeat refused because the registration is gone or belongs to another incarnation triggers a new
 * registration; a quorum that cannot be reached is retried on the next tick.
 *
 * <p>Thread model: one periodic task on the injected scheduler; {@link #close()} cancels it. No
 * deregistration on close: the lease expires and the broker is fenced, as after a crash.
 */
public final class BrokerLifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerLifecycle.class);

    private final MetadataClient client;
    private final int nodeId;
    private final List<Endpoint> endpoints;
    private final String rack;
    private final long sessionTimeoutMs;
    private final InstantSource clock;
    private final UUID incarnationId = UUID.randomUUID();
    private final ScheduledFuture<?> task;
    private volatile boolean registered;

    public BrokerLifecycle(MetadataClient client, int nodeId, List<Endpoint> endpoints, String rack, long heartbeatIntervalMs,
                           long sessionTimeoutMs, InstantSource clock, ScheduledExecutorService scheduler) {
        this.client = client;
        this.nodeId = nodeId;
        this.endpoints = List.copyOf(endpoints);
        this.rack = rack;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.clock = clock;
        this.task = scheduler.scheduleWithFixedDelay(this::tick, 0, heartbeatIntervalMs, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            if (!registered) {
                client.propose(new RegisterBrokerRecord(nodeId, incarnationId, endpoints, rack, clock.millis(), sessionTimeoutMs));
                registered = true;
                LOG.info("Broker {} registered (incarnation {})", nodeId, incarnationId);
            } else {
                client.propose(new BrokerHeartbeatRecord(nodeId, incarnationId, clock.millis(), sessionTimeoutMs));
            }
        } catch (MetadataRejectedException e) {
            if (e.code() == MetadataErrorCode.UNKNOWN_BROKER || e.code() == MetadataErrorCode.STALE_BROKER_INCARNATION) {
                registered = false;
            }
            LOG.warn("Broker {} heartbeat refused: {}", nodeId, e.getMessage());
        } catch (QuorumUnavailableException e) {
            LOG.warn("Broker {} cannot reach the metadata quorum: {}", nodeId, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Broker {} heartbeat failed", nodeId, e);
        }
    }

    public boolean isRegistered() {
        return registered;
    }

    public UUID incarnationId() {
        return incarnationId;
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
