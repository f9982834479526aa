package io.kayak.broker;

import io.kayak.broker.config.KayakConfig;
import io.kayak.broker.http.AdminHttpServer;
import io.kayak.broker.lifecycle.BrokerLifecycle;
import io.kayak.broker.storage.MetaProperties;
import io.kayak.log.LogDir;
import io.kayak.metadata.quorum.LeaseMonitor;
import io.kayak.metadata.quorum.MetadataNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kayak node: verifies its storage, opens its log dirs, joins the metadata quorum, registers and
 * heartbeats as a broker, fences brokers whose lease ran out while it leads the quorum, and serves its
 * HTTP admin port.
 *
 * <p>Lifecycle: {@link #start} brings the parts up in dependency order and registers each for closing;
 * {@link #close} closes them in reverse. {@link #main} runs one node in the foreground until SIGTERM.
 */
public final class KayakServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KayakServer.class);

    private final KayakConfig config;
    private final String clusterId;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private MetadataNode metadata;
    private BrokerLifecycle lifecycle;
    private AdminHttpServer http;

    private KayakServer(KayakConfig config, String clusterId) {
        this.config = config;
        this.clusterId = clusterId;
    }

    public static KayakServer start(KayakConfig config) throws IOException {
        String clusterId = MetaProperties.verify(config);
        KayakServer server = new KayakServer(config, clusterId);
        try {
            server.startParts();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void startParts() throws IOException {
        Clock clock = Clock.systemUTC();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "kayak-node-" + config.nodeId() + "-scheduler");
            t.setDaemon(true);
            return t;
        });
        closeables.push(scheduler::shutdownNow);
        for (Path dir : config.logDirs()) {
            closeables.push(LogDir.open(dir, config.logConfig(), clock, scheduler));
        }
        metadata = MetadataNode.start(config.metadataConfig());
        closeables.push(metadata);
        closeables.push(new LeaseMonitor(metadata, clock, scheduler, Math.max(10, config.heartbeatIntervalMs() / 2)));
        lifecycle = new BrokerLifecycle(metadata.client(), config.nodeId(), config.advertisedListeners(), config.rack(),
                config.heartbeatIntervalMs(), config.sessionTimeoutMs(), clock, scheduler);
        closeables.push(lifecycle);
        if (config.httpPort() >= 0) {
            http = new AdminHttpServer(config.listeners().get(0).host(), config.httpPort(), clusterId, metadata);
            closeables.push(http);
        }
        LOG.info("Kayak node {} of cluster {} started: metadata voter at {}, HTTP port {}", config.nodeId(), clusterId,
                config.metadataConfig().self().address(), http == null ? "off" : http.port());
    }

    public MetadataNode metadata() {
        return metadata;
    }

    public BrokerLifecycle lifecycle() {
        return lifecycle;
    }

    public String clusterId() {
        return clusterId;
    }

    public KayakConfig config() {
        return config;
    }

    @Override
    public synchronized void close() {
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed", c, e);
            }
        }
    }

    /** Runs one node in the foreground: {@code KayakServer <server.properties>}. Exits 1 on a start failure. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: kayak-server.sh <server.properties>");
            System.exit(2);
        }
        KayakServer server;
        try {
            server = start(KayakConfig.load(Path.of(args[0])));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("Kayak node failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        server.metadata().stateMachine().onFatalError(e -> {
            System.err.println("Kayak node " + server.config.nodeId() + " stops: " + e.getMessage());
            new Thread(() -> System.exit(1), "kayak-fatal-exit").start();
        });
        RuntimeException early = server.metadata().stateMachine().fatalError();
        if (early != null) {
            System.err.println("Kayak node " + server.config.nodeId() + " stops: " + early.getMessage());
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Shutting down Kayak node {}", server.config.nodeId());
            server.close();
            stopped.countDown();
        }, "kayak-shutdown"));
        while (!stopped.await(1, TimeUnit.HOURS)) {
            LOG.debug("Kayak node {} running", server.config.nodeId());
        }
    }
}
