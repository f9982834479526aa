package io.kayak.broker.replica;

import static org.junit.jupiter.api.Assertions.fail;

import io.kayak.broker.KayakServer;
import io.kayak.broker.TestPorts;
import io.kayak.broker.config.KayakConfig;
import io.kayak.broker.storage.MetaProperties;
import io.kayak.log.LogSlice;
import io.kayak.log.PartitionLog;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.PartitionImage;
import io.kayak.network.service.Acks;
import io.kayak.network.service.AppendResult;
import io.kayak.network.service.PartitionError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * Three real Kayak nodes in this JVM (real Ratis over gRPC, real RocksDB, temp dirs, ephemeral ports) for
 * replication tests: start, crash and restart nodes, append with retries the way a producer does, and read a
 * replica's whole log. Closing it stops every node still running.
 */
public final class ReplicatedCluster implements AutoCloseable {
    /**
     * Errors the Kafka producer retries: the leader moved or is being elected, the append timed out, or the
     * leader's log failed under it (a crashing node answers with KAFKA_STORAGE_ERROR, retriable in Kafka).
     */
    static final Set<PartitionError> RETRIABLE = EnumSet.of(PartitionError.NOT_LEADER, PartitionError.LEADER_NOT_AVAILABLE,
            PartitionError.REQUEST_TIMED_OUT, PartitionError.UNKNOWN_PARTITION, PartitionError.STORAGE_ERROR);

    public final Map<Integer, KayakServer> servers = new ConcurrentHashMap<>();
    public final Map<Integer, KayakConfig> configs = new HashMap<>();

    public ReplicatedCluster(Path dir, Map<String, String> extra) throws IOException {
        StringBuilder voters = new StringBuilder();
        for (int id = 1; id <= 3; id++) {
            voters.append(id == 1 ? "" : ",").append(id).append("@127.0.0.1:").append(TestPorts.free());
        }
        String clusterId = MetaProperties.newClusterId();
        for (int id = 1; id <= 3; id++) {
            Map<String, String> p = new HashMap<>();
            p.put("node.id", Integer.toString(id));
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + TestPorts.free());
            p.put("controller.quorum.voters", voters.toString());
            p.put("log.dirs", "node-" + id);
            p.put("broker.heartbeat.interval.ms", "200");
            p.put("broker.session.timeout.ms", "1500");
            p.put("kayak.replication.listener", "127.0.0.1:" + TestPorts.free());
            p.put("kayak.replication.election.timeout.min.ms", "500");
            p.put("kayak.replication.election.timeout.max.ms", "1000");
            p.put("replica.lag.time.max.ms", "2000");
            p.put("kayak.replication.isr.check.interval.ms", "100");
            p.putAll(extra);
            KayakConfig c = KayakConfig.of(dir.resolve("server-" + id + ".properties"), p);
            MetaProperties.format(c, clusterId);
            configs.put(id, c);
        }
    }

    /** A cluster with every node started and registered. */
    public static ReplicatedCluster started(Path dir, Map<String, String> extra) throws IOException {
        ReplicatedCluster c = new ReplicatedCluster(dir, extra);
        c.startAll();
        await("3 brokers registered", 60, () -> c.everyImage(i -> i.brokers().size() == 3));
        return c;
    }

    /** Creates a topic through node 1 and waits until every partition has a leader and a full ISR. */
    public void createTopic(String topic, int partitions, int replicationFactor, Map<String, String> configs) {
        servers.get(1).topicAdmin().createTopic(topic, partitions, replicationFactor, configs, null);
        await(topic + " led and fully replicated", 60, () -> ready(topic, partitions) && everyImage(i ->
                i.topic(topic).orElseThrow().partitions().stream().allMatch(p -> p.isr().size() == p.replicas().size())));
    }

    /** Kafka's bootstrap.servers for the running nodes. */
    public String bootstrap() {
        return servers.values().stream().map(s -> "127.0.0.1:" + s.kafkaServers().get(0).port())
                .collect(java.util.stream.Collectors.joining(","));
    }

    public void start(int id) throws IOException {
        servers.put(id, KayakServer.start(configs.get(id)));
    }

    public void startAll() throws IOException {
        for (int id = 1; id <= 3; id++) {
            start(id);
        }
    }

    public void stop(int id) {
        servers.remove(id).close();
    }

    public void crash(int id) throws IOException {
        servers.remove(id).crashForTesting();
    }

    public static void await(String what, long seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                dumpThreads();
                fail("timed out after " + seconds + " s waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** On a timeout: where every thread of this JVM is, so a stall can be diagnosed from the report. */
    private static void dumpThreads() {
        StringBuilder sb = new StringBuilder("Thread dump at timeout:\n");
        for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
            sb.append('"').append(t.getKey().getName()).append("\" ").append(t.getKey().getState()).append('\n');
            for (StackTraceElement e : t.getValue()) {
                sb.append("    at ").append(e).append('\n');
            }
        }
        System.err.println(sb);
    }

    /** The partitions of every image, for failure messages. */
    public String describe(String topic) {
        StringBuilder sb = new StringBuilder();
        servers.forEach((id, s) -> sb.append("node ").append(id).append(": ")
                .append(s.metadata().image().topic(topic).map(t -> t.partitions().toString()).orElse("no topic")).append('\n'));
        return sb.toString();
    }

    public boolean everyImage(Predicate<MetadataImage> p) {
        return servers.values().stream().allMatch(s -> p.test(s.metadata().image()));
    }

    public MetadataImage image() {
        return servers.values().iterator().next().metadata().image();
    }

    public Optional<PartitionImage> partition(String topic, int p) {
        return image().topic(topic).map(t -> t.partitions().get(p));
    }

    /** Whether every running node hosts {@code count} partitions of {@code topic} whose leaders are published. */
    public boolean ready(String topic, int count) {
        return everyImage(i -> i.topic(topic).map(t -> t.partitions().stream().allMatch(p -> p.leader() >= 0)).orElse(false))
                && servers.values().stream().allMatch(s -> s.replicaManager() != null
                && s.replicaManager().hostedPartitions().stream().filter(tp -> tp.topic().equals(topic)).count() == count);
    }

    /**
     * Appends like a producer with retries: tries every running node until one accepts, for up to
     * {@code seconds}. Returns the accepted result, or the first non-retriable refusal.
     */
    public AppendResult appendWithRetries(TopicPartition tp, ByteBuffer batch, long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AppendResult last = null;
        while (System.nanoTime() < deadline) {
            for (KayakServer s : servers.values()) {
                try {
                    last = s.partitionService().append(tp, batch.duplicate(), Acks.ALL, 3_000).get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    continue; // the node is being stopped under us
                }
                if (last.error() == PartitionError.NONE || !RETRIABLE.contains(last.error())) {
                    return last;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        fail("no node accepted an append to " + tp + " within " + seconds + " s; last answer " + last);
        return last;
    }

    public PartitionLog log(int node, String topic, int p) {
        return servers.get(node).replicaManager().log(new io.kayak.metadata.TopicPartition(topic, p)).orElseThrow();
    }

    /** Every byte of a log from its start to its end. */
    public static byte[] bytes(PartitionLog log) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            LogSlice s = log.read(next, 1 << 20, Long.MAX_VALUE);
            ByteBuffer b = s.copyBytes();
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            next = s.nextOffset();
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        for (Integer id : Set.copyOf(servers.keySet())) {
            stop(id);
        }
    }
}
