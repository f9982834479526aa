package io.kayak.broker;

import io.kayak.broker.config.KayakConfig;
import io.kayak.broker.http.AdminEndpoints;
import io.kayak.broker.http.AdminHttpServer;
import io.kayak.broker.http.MetricsHandler;
import io.kayak.broker.http.PartitionsEndpoint;
import io.kayak.broker.http.QuorumChangeEndpoint;
import io.kayak.broker.http.ReadinessHandler;
import io.kayak.broker.http.console.ConsoleAdminActions;
import io.kayak.broker.http.console.ConsoleApi;
import io.kayak.broker.http.console.ConsoleHandler;
import io.kayak.broker.http.console.NodeSources;
import io.kayak.broker.lag.ConsumerLag;
import io.kayak.broker.lag.LagMetrics;
import io.kayak.broker.metrics.NodeMetrics;
import io.kayak.broker.metrics.ObservabilityConfig;
import com.codahale.metrics.MetricRegistry;
import io.kayak.broker.group.GroupCoordinator;
import io.kayak.broker.lifecycle.AsyncPool;
import io.kayak.broker.lifecycle.BrokerLifecycle;
import io.kayak.broker.network.MetadataClusterView;
import io.kayak.broker.producer.ProducerIdBlocks;
import io.kayak.broker.replica.LeadershipPublisher;
import io.kayak.broker.replica.PartitionGroups;
import io.kayak.broker.replica.PartitionMetrics;
import io.kayak.broker.replica.ReplicaManager;
import io.kayak.broker.replica.ReplicatedPartitionService;
import io.kayak.broker.replica.ReplicationConfig;
import io.kayak.broker.storage.MetaProperties;
import io.kayak.broker.topic.KafkaTopicService;
import io.kayak.broker.topic.TopicAdmin;
import io.kayak.log.LogDir;
import io.kayak.metadata.ApplyResult;
import io.kayak.metadata.Endpoint;
import io.kayak.metadata.QuorumUnavailableException;
import io.kayak.metadata.record.MetadataRecord;
import io.kayak.network.handler.ApiDispatcher;
import io.kayak.network.handler.KafkaApis;
import io.kayak.network.server.KafkaServer;
import io.kayak.network.server.RequestMetrics;
import io.kayak.network.service.PartitionService;
import io.kayak.metadata.quorum.LeaseMonitor;
import io.kayak.metadata.quorum.MetadataNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kayak node: verifies its storage, opens its log dirs, joins the metadata quorum, registers and
 * heartbeats as a broker, fences brokers whose lease ran out while it leads the quorum, hosts its partition
 * replicas and serves its HTTP admin port.
 *
 * <p>The replicas start once this node's registration is applied locally, so the image they reconcile
 * against is current; until then the partition service answers "leader not available". Start-up does not
 * wait for that: the first node of a cluster has no quorum to register with until others start.
 *
 * <p>Lifecycle: {@link #start} brings the parts up in dependency order and registers each for closing;
 * {@link #close} closes them in reverse. {@link #main} runs one node in the foreground until SIGTERM.
 */
public final class KayakServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KayakServer.class);
    /** Netty event loops per Kafka listener: connections are spread over them; handlers never block them. */
    private static final int KAFKA_IO_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final KayakConfig config;
    private final String clusterId;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private MetadataNode metadata;
    private BrokerLifecycle lifecycle;
    private AdminHttpServer http;
    private final MetricRegistry metricRegistry = new MetricRegistry();
    private final List<LogDir> logDirs = new ArrayList<>();
    private final List<KafkaServer> kafkaServers = new ArrayList<>();
    private final Object replicaLock = new Object();
    private volatile ReplicaManager replicaManager;
    private volatile Exception replicaStartFailure;
    private volatile boolean closing;
    private volatile java.util.function.Consumer<Exception> replicaFailureHandler = e -> { };
    private LeadershipPublisher publisher;
    private ReplicatedPartitionService partitionService;
    private TopicAdmin topicAdmin;
    private KafkaTopicService topicService;
    private GroupCoordinator groups;
    private NodeMetrics nodeMetrics;
    private ConsumerLag consumerLag;

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
            LogDir d = LogDir.open(dir, config.logConfig(), clock, scheduler);
            closeables.push(d);
            logDirs.add(d);
        }
        metadata = MetadataNode.start(config.metadataConfig());
        closeables.push(metadata);
        if (config.httpPort() >= 0) {
            http = new AdminHttpServer(config.listeners().get(0).host(), config.httpPort(), clusterId, metadata);
            closeables.push(http);
            http.route("/ready", false, new ReadinessHandler(this::unmetReadiness));
            http.route(PartitionsEndpoint.PATH, false, new PartitionsEndpoint(config.nodeId(), metadata::image, () -> replicaManager));
            QuorumChangeEndpoint quorumChanges = new QuorumChangeEndpoint(clusterId, metadata);
            closeables.push(quorumChanges);
            QuorumChangeEndpoint.PATHS.forEach(path -> http.route(path, false, "POST", quorumChanges));
        }
        closeables.push(new LeaseMonitor(metadata, clock, scheduler, Math.max(10, config.heartbeatIntervalMs() / 2),
                config.sessionTimeoutMs()));
        ReplicationConfig replication = config.replicationConfig();
        List<Endpoint> endpoints = new ArrayList<>(config.advertisedListeners());
        endpoints.add(new Endpoint(PartitionGroups.REPLICATION_LISTENER, replication.host(), replication.port()));
        if (http != null) {
            // Registered with the port the server bound (kayak.http.port=0 in tests), so others and the CLI find it.
            endpoints.add(AdminEndpoints.httpEndpoint(config.advertisedListeners().get(0).host(), http.port()));
        }
        lifecycle = new BrokerLifecycle(metadata.client(), config.nodeId(), endpoints, config.rack(),
                config.heartbeatIntervalMs(), config.sessionTimeoutMs(), clock, scheduler);
        closeables.push(lifecycle);
        PartitionMetrics partitionMetrics = new PartitionMetrics(metricRegistry);
        closeables.push(partitionMetrics);
        publisher = new LeadershipPublisher(config.nodeId(), metadata::image, this::proposeAndApplyHere,
                replication, scheduler, clock::millis);
        closeables.push(publisher);
        partitionMetrics.registerNodeGauges(() -> replicaManager == null ? 0 : replicaManager.hostedCount(),
                () -> replicaManager == null ? 0 : replicaManager.leaderCount(), publisher::underReplicatedCount);
        partitionService = new ReplicatedPartitionService(() -> replicaManager, metadata::image, partitionMetrics, logDirs);
        topicAdmin = new TopicAdmin(metadata.client(), metadata::image, config, new Random());
        metadata.addListener((before, delta, after) -> {
            ReplicaManager m = replicaManager;
            if (m != null) {
                m.onMetadataChanged();
            }
        });
        Thread starter = new Thread(() -> startReplicas(partitionMetrics), "kayak-node-" + config.nodeId() + "-replica-start");
        starter.setDaemon(true);
        starter.start();
        closeables.push(this::stopReplicas);
        ScheduledExecutorService fetchWaits = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kayak-node-" + config.nodeId() + "-fetch-waits");
            t.setDaemon(true);
            return t;
        });
        closeables.push(fetchWaits::shutdownNow);
        ProducerIdBlocks producerIds = new ProducerIdBlocks(config.nodeId(), r -> metadata.client().propose(r));
        closeables.push(producerIds);
        topicService = new KafkaTopicService(topicAdmin, metadata::image, config);
        closeables.push(topicService);
        groups = new GroupCoordinator(config.nodeId(), config.groupConfig(), metadata::image,
                this::proposeAndApplyHere, clock::millis, metricRegistry);
        closeables.push(groups);
        ApiDispatcher apis = KafkaApis.dispatcher(config.nodeId(),
                new MetadataClusterView(clusterId, metadata::image, this::controllerId), partitionService, topicService,
                producerIds, groups, fetchWaits, config.autoCreateTopicsEnable());
        RequestMetrics requestMetrics = new RequestMetrics(metricRegistry, apis.versions());
        closeables.push(requestMetrics);
        for (Endpoint listener : config.listeners()) {
            KafkaServer kafka = KafkaServer.start(listener.listener(), listener.host(), listener.port(),
                    config.socketRequestMaxBytes(), KAFKA_IO_THREADS, apis, requestMetrics);
            kafkaServers.add(kafka);
            closeables.push(kafka);
        }
        startObservability(clock);
        LOG.info("Kayak node {} of cluster {} started: metadata voter at {}, HTTP port {}", config.nodeId(), clusterId,
                config.metadataConfig().self().address(), http == null ? "off" : http.port());
    }

    /**
     * The node's metrics made public (JVM, process, Ratis, JMX), the consumer lag gauges, and the HTTP endpoints
     * that show them. The HTTP server itself started early: its port is part of the broker registration.
     */
    private void startObservability(Clock clock) {
        ObservabilityConfig obs = config.observabilityConfig();
        // Its own thread: refreshing lag and Ratis gauges (and their MBeans) must never delay a broker heartbeat.
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kayak-node-" + config.nodeId() + "-metrics");
            t.setDaemon(true);
            return t;
        });
        closeables.push(scheduler::shutdownNow);
        nodeMetrics = new NodeMetrics(metricRegistry, obs, Map.of(config.nodeId() + "@", "metadata",
                PartitionGroups.peerId(config.nodeId()) + "@", "partition"), scheduler);
        closeables.push(nodeMetrics);
        consumerLag = new ConsumerLag(metadata::image, () -> replicaManager, partitionService, clock::millis);
        LagMetrics lagMetrics = new LagMetrics(metricRegistry, consumerLag, scheduler, obs.lagIntervalMs());
        closeables.push(lagMetrics);
        if (http != null) {
            http.route("/metrics", false, new MetricsHandler(nodeMetrics));
            NodeSources sources = new NodeSources(clusterId, config.nodeId(), metadata, () -> replicaManager,
                    partitionService, groups, topicService, consumerLag, metricRegistry, obs.consoleAdminEnable());
            ConsoleApi api = new ConsoleApi(sources);
            closeables.push(api);
            http.route("/api/", true, api);
            ConsoleAdminActions actions = new ConsoleAdminActions(sources, api);
            closeables.push(actions);
            http.route(ConsoleAdminActions.PATH, true, "POST", actions);
            http.route("/console", true, new ConsoleHandler());
        }
    }

    /** What this node still waits for before it serves (for {@code /ready}); empty when ready. */
    public List<String> unmetReadiness() {
        List<String> unmet = new ArrayList<>();
        if (closing) {
            unmet.add("the node is shutting down");
            return unmet;
        }
        if (controllerId() < 0) {
            unmet.add("a metadata quorum leader");
        }
        if (lifecycle == null || !registrationApplied()) {
            unmet.add("its broker registration applied");
        }
        Exception failed = replicaStartFailure;
        if (failed != null) {
            unmet.add("its partition replicas, which failed to start: " + failed.getMessage());
        } else if (replicaManager == null) {
            unmet.add("its partition replicas loaded");
        }
        if (kafkaServers.isEmpty()) {
            unmet.add("its Kafka listeners");
        }
        return unmet;
    }

    /**
     * The group coordinator's and the leadership publisher's writes: committed through the quorum, then applied here
     * before it answers.
     */
    private ApplyResult proposeAndApplyHere(MetadataRecord record) {
        ApplyResult r = metadata.client().propose(record);
        try {
            if (!metadata.awaitApplied(r.index(), config.metadataConfig().proposalTimeoutMs())) {
                throw new QuorumUnavailableException("node " + config.nodeId() + " did not apply " + record.type()
                        + " at index " + r.index() + " in time", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuorumUnavailableException("interrupted while waiting to apply " + record.type(), e);
        }
        return r;
    }

    /** Waits until this node is registered, then reconciles and starts its partition replicas. */
    private void startReplicas(PartitionMetrics partitionMetrics) {
        while (!closing && !registrationApplied()) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        synchronized (replicaLock) {
            if (closing) {
                return;
            }
            try {
                replicaManager = ReplicaManager.start(config.nodeId(), config.replicationConfig(), config.logConfig(), logDirs,
                        metadata::image, observer(), partitionMetrics);
                publisher.start(replicaManager);
            } catch (IOException | RuntimeException e) {
                replicaStartFailure = e;
                LOG.error("Node {} cannot host its partitions", config.nodeId(), e);
                replicaFailureHandler.accept(e);
            }
        }
    }

    /** Leader changes go to the publisher; they and high watermark advances wake fetches waiting on the partition. */
    private ReplicaManager.LeadershipObserver observer() {
        return new ReplicaManager.LeadershipObserver() {
            @Override
            public void leaderChanged(io.kayak.metadata.TopicPartition partition, int leaderNode, long term) {
                publisher.leaderChanged(partition, leaderNode, term);
                partitionService.partitionChanged(partition);
            }

            @Override
            public void highWatermarkAdvanced(io.kayak.metadata.TopicPartition partition) {
                partitionService.partitionChanged(partition);
            }
        };
    }

    private boolean registrationApplied() {
        return lifecycle.isRegistered() && metadata.image().broker(config.nodeId())
                .map(b -> b.incarnationId().equals(lifecycle.incarnationId())).orElse(false);
    }

    private void stopReplicas() {
        synchronized (replicaLock) {
            closing = true;
            if (replicaManager != null) {
                replicaManager.close();
            }
        }
    }

    /** The port of the node's HTTP admin server, or -1 when {@code kayak.http.port} turns it off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The node's replica manager, or null while it waits for its registration. */
    public ReplicaManager replicaManager() {
        return replicaManager;
    }

    /** Why the replicas could not start, or null. */
    public Exception replicaStartFailure() {
        return replicaStartFailure;
    }

    public PartitionService partitionService() {
        return partitionService;
    }

    /** This node's consumer-group coordinator. */
    public GroupCoordinator groupCoordinator() {
        return groups;
    }

    public TopicAdmin topicAdmin() {
        return topicAdmin;
    }

    public MetricRegistry metricRegistry() {
        return metricRegistry;
    }

    /** The node's metrics as published (Prometheus, JMX). */
    public NodeMetrics nodeMetrics() {
        return nodeMetrics;
    }

    /** Consumer lag of the partitions this node leads. */
    public ConsumerLag consumerLag() {
        return consumerLag;
    }

    /**
     * A failure probe for tests: stops the node the way {@code kill -9} would as far as its disks can tell.
     * The logs are released without flushing or recording state, then everything else is closed.
     */
    /** The metadata quorum leader this node knows of (Kafka's "controller"), or -1. */
    private int controllerId() {
        try {
            return metadata.leaderId();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The Kafka protocol servers, one per listener, in {@code listeners} order. */
    public List<KafkaServer> kafkaServers() {
        return List.copyOf(kafkaServers);
    }

    public synchronized void crashForTesting() throws IOException {
        closing = true;
        ReplicaManager replicas = replicaManager;
        if (replicas != null) {
            replicas.severForTesting(); // peers lose it now, as with kill -9; the orderly close below is slow
        }
        for (KafkaServer kafka : kafkaServers) {
            kafka.close(); // and so do clients
        }
        for (LogDir d : logDirs) {
            d.crashForTesting();
        }
        close();
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
        int asyncParallelism = AsyncPool.configure();
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
        if (asyncParallelism < 2) {
            LOG.warn("The JDK's common pool has parallelism {}: asynchronous Ratis steps start a thread each; set -D{}=2 or more",
                    asyncParallelism, AsyncPool.PARALLELISM_PROPERTY);
        }
        server.replicaFailureHandler = e -> {
            System.err.println("Kayak node " + server.config.nodeId() + " stops: its partitions cannot start: " + e.getMessage());
            new Thread(() -> System.exit(1), "kayak-fatal-exit").start();
        };
        if (server.replicaStartFailure != null) {
            server.replicaFailureHandler.accept(server.replicaStartFailure);
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
