package io.kayak.metadata.quorum;

import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.record.FenceExpiredBrokersRecord;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fences brokers whose lease ran out. Runs on every node but acts only on the quorum leader: when the
 * leader's clock is past some unfenced broker's lease expiry, it proposes one
 * {@link FenceExpiredBrokersRecord} carrying that time, so every node fences the same brokers. When all
 * leases are current it proposes nothing.
 *
 * <p>A node that just became leader waits {@code graceMs} (the session timeout) before fencing anyone:
 * heartbeats could not commit during the election, so leases that ran out meanwhile say nothing about the
 * brokers. Kafka's controller likewise starts every broker's session afresh when it takes over.
 *
 * <p>Thread model: one task on the injected scheduler (owned by the caller); {@link #close()} cancels it.
 */
public final class LeaseMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseMonitor.class);

    private final MetadataNode node;
    private final InstantSource clock;
    private final ScheduledFuture<?> task;
    private final long graceMs;
    private long leaderSinceMs = -1;

    public LeaseMonitor(MetadataNode node, InstantSource clock, ScheduledExecutorService scheduler, long checkIntervalMs) {
        this(node, clock, scheduler, checkIntervalMs, 0);
    }

    public LeaseMonitor(MetadataNode node, InstantSource clock, ScheduledExecutorService scheduler, long checkIntervalMs,
                        long graceMs) {
        this.node = node;
        this.clock = clock;
        this.graceMs = graceMs;
        this.task = scheduler.scheduleWithFixedDelay(this::check, checkIntervalMs, checkIntervalMs, TimeUnit.MILLISECONDS);
    }

    void check() {
        try {
            long now = clock.millis();
            if (!node.isLeader()) {
                leaderSinceMs = -1;
                return;
            }
            if (leaderSinceMs < 0) {
                leaderSinceMs = now;
            }
            if (now - leaderSinceMs < graceMs) {
                return;
            }
            MetadataImage image = node.image();
            boolean anyExpired = false;
            for (BrokerRegistration b : image.brokers().values()) {
                anyExpired |= !b.fenced() && b.leaseExpiryMs() < now;
            }
            if (anyExpired) {
                node.client().propose(new FenceExpiredBrokersRecord(now));
            }
        } catch (Exception e) {
            LOG.warn("Lease check failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
