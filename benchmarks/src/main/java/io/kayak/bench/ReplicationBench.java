package io.kayak.bench;

import com.sun.management.OperatingSystemMXBean;
import io.kayak.broker.KayakServer;
import io.kayak.broker.config.KayakConfig;
import io.kayak.broker.storage.MetaProperties;
import io.kayak.log.FileTrees;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.PartitionImage;
import io.kayak.network.service.Acks;
import io.kayak.network.service.AppendResult;
import io.kayak.network.service.PartitionError;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The partition replication load harness: three Kayak nodes in this JVM (real Ratis over gRPC on loopback,
 * real RocksDB, real disks, default replication settings), driven through each node's
 * {@code PartitionService} since the Kafka protocol does not exist yet.
 * <ul>
 *   <li>{@code throughput [partitions] [seconds] [inflight]}: 16 KiB batches of 1 KiB records, acks=all,
 *       {@code inflight} appends in flight per partition; first a topic with replication factor 1 (the
 *       baseline, same run, same nodes), then one with 3. Reports MB/s, latency, and the bytes this process
 *       wrote to disk ({@code /proc/self/io write_bytes}) per byte appended per replica.</li>
 *   <li>{@code idle [partitions] [seconds]}: process CPU and heap of the three idle nodes, first hosting no
 *       partition (baseline), then {@code partitions} partitions with replication factor 3: with their groups
 *       running (when {@code kayak.replication.quiesce.ms} leaves time for a sample before they quiesce, or is 0),
 *       then once every partition is quiesced (unless it is 0).</li>
 *   <li>{@code failover [runs] [partitions] [in flight per partition]}: appends to every partition
 *       continuously (none with 0 in flight); crashes the node leading partition 0
 *       ({@code KayakServer.crashForTesting}: partition Raft traffic cut at once, logs released unflushed)
 *       and times the first acknowledged append of a probe that retries partition 0 from the moment of the
 *       crash; restarts the node and waits for full ISRs before the next run.</li>
 *   <li>{@code wake [partitions] [rounds]}: each round waits until every partition of a topic is quiesced
 *       (set {@code -Dkayak.bench.set.kayak.replication.quiesce.ms}), then appends to each partition in turn and
 *       times that first append (it wakes the group), and the next one (a running group) as the baseline.</li>
 * </ul>
 * Usage: {@code java -cp benchmarks/target/kayak-benchmarks.jar io.kayak.bench.ReplicationBench <mode> [args]}.
 * Every node is closed at the end.
 */
public final class ReplicationBench {
    private static final int BATCH_BYTES = 16 << 10;
    private static final String SET_PREFIX = "kayak.bench.set.";

    private final Path root;
    private final Map<Integer, KayakConfig> configs = new HashMap<>();
    private final Map<Integer, KayakServer> servers = new TreeMap<>();

    private ReplicationBench(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        io.kayak.broker.lifecycle.AsyncPool.configure(); // as a node's main does, before anything uses the pool
        String mode = args.length > 0 ? args[0] : "throughput";
        Path root = BenchFiles.scratch("kayak-replication-bench-");
        ReplicationBench bench = new ReplicationBench(root);
        try {
            bench.startCluster();
            switch (mode) {
                case "throughput":
                    bench.throughput(arg(args, 1, 6), arg(args, 2, 20), arg(args, 3, 4));
                    break;
                case "idle":
                    bench.idle(arg(args, 1, 300), arg(args, 2, 30));
                    break;
                case "failover":
                    bench.failover(arg(args, 1, 10), arg(args, 2, 6), arg(args, 3, 1));
                    break;
                case "wake":
                    bench.wake(arg(args, 1, 6), arg(args, 2, 3));
                    break;
                default:
                    throw new IllegalArgumentException("mode must be throughput, idle, failover or wake; got " + mode);
            }
        } finally {
            bench.servers.values().forEach(KayakServer::close);
            FileTrees.delete(root);
        }
    }

    private static int arg(String[] args, int i, int def) {
        return args.length > i ? Integer.parseInt(args[i]) : def;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void startCluster() throws Exception {
        StringBuilder voters = new StringBuilder();
        for (int id = 1; id <= 3; id++) {
            voters.append(id == 1 ? "" : ",").append(id).append("@127.0.0.1:").append(freePort());
        }
        String clusterId = MetaProperties.newClusterId();
        for (int id = 1; id <= 3; id++) {
            Map<String, String> p = new HashMap<>();
            p.put("node.id", Integer.toString(id));
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + freePort());
            p.put("controller.quorum.voters", voters.toString());
            p.put("log.dirs", "node-" + id);
            p.put("kayak.replication.listener", "127.0.0.1:" + freePort());
            // -Dkayak.bench.set.<key>=<value> overrides a node config key, e.g. the election timeouts.
            System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(SET_PREFIX))
                    .forEach(k -> p.put(k.substring(SET_PREFIX.length()), System.getProperty(k)));
            KayakConfig c = KayakConfig.of(root.resolve("server-" + id + ".properties"), p);
            MetaProperties.format(c, clusterId);
            configs.put(id, c);
        }
        for (int id = 1; id <= 3; id++) {
            servers.put(id, KayakServer.start(configs.get(id)));
        }
        await("three brokers registered", 60, () -> image().brokers().size() == 3
                && servers.values().stream().allMatch(s -> s.replicaManager() != null));
    }

    private MetadataImage image() {
        return servers.values().iterator().next().metadata().image();
    }

    private static void await(String what, long seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private void createTopic(String name, int partitions, int rf) {
        servers.values().iterator().next().topicAdmin().createTopic(name, partitions, rf, Map.of(), null);
        await(name + " led and fully replicated", 300, () -> image().topic(name).map(t -> t.partitions().stream()
                .allMatch(p -> p.leader() >= 0 && p.isr().size() == rf)).orElse(false));
    }

    private boolean isrFull(String topic) {
        return servers.values().stream().allMatch(s -> s.metadata().image().topic(topic).map(t -> t.partitions().stream()
                .allMatch(p -> p.leader() >= 0 && p.isr().size() == p.replicas().size())).orElse(false));
    }

    /** One appender chain per (partition, slot): the next append starts when the previous one is answered. */
    private final class Load {
        final String topic;
        final ByteBuffer batch = BenchFiles.batch(BATCH_BYTES);
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong batches = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final ConcurrentLinkedQueue<Long> latenciesUs = new ConcurrentLinkedQueue<>();
        final Map<Integer, AtomicLong> lastAckNanos = new java.util.concurrent.ConcurrentHashMap<>();
        /** The driver's own threads: answers arrive on Ratis threads, which must not run the next append. */
        final java.util.concurrent.ScheduledExecutorService driver = java.util.concurrent.Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-driver");
            t.setDaemon(true);
            return t;
        });
        volatile boolean running = true;

        Load(String topic) {
            this.topic = topic;
        }

        void start(int partitions, int inflight) {
            for (int p = 0; p < partitions; p++) {
                lastAckNanos.put(p, new AtomicLong());
                for (int s = 0; s < inflight; s++) {
                    final int part = p;
                    driver.execute(() -> next(part));
                }
            }
        }

        void stop() {
            running = false;
            driver.shutdown();
        }

        private void next(int p) {
            if (!running) {
                return;
            }
            TopicPartition tp = new TopicPartition(topic, p);
            KayakServer leader = leaderOf(topic, p);
            long start = System.nanoTime();
            CompletableFuture<AppendResult> f = leader == null
                    ? CompletableFuture.completedFuture(AppendResult.failed(PartitionError.LEADER_NOT_AVAILABLE, -1, ""))
                    : leader.partitionService().append(tp, batch.duplicate(), Acks.ALL, 5_000);
            f.whenComplete((r, e) -> {
                if (e == null && r.error() == PartitionError.NONE) {
                    long now = System.nanoTime();
                    if (running) {
                        bytes.addAndGet(batch.remaining());
                        batches.incrementAndGet();
                        latenciesUs.add((now - start) / 1_000);
                    }
                    lastAckNanos.get(p).set(now);
                    submit(() -> next(p), 0);
                } else {
                    errors.incrementAndGet();
                    submit(() -> next(p), 10);
                }
            });
        }

        private void submit(Runnable r, long delayMs) {
            try {
                driver.schedule(r, delayMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopped
            }
        }
    }

    private KayakServer leaderOf(String topic, int p) {
        PartitionImage pi = image().topic(topic).map(t -> t.partitions().get(p)).orElse(null);
        KayakServer s = pi == null ? null : servers.get(pi.leader());
        if (s != null && s.replicaManager() != null
                && s.replicaManager().isLeader(new io.kayak.metadata.TopicPartition(topic, p))) {
            return s;
        }
        for (KayakServer other : List.copyOf(servers.values())) {
            if (other.replicaManager() != null && other.replicaManager().isLeader(new io.kayak.metadata.TopicPartition(topic, p))) {
                return other;
            }
        }
        return null;
    }

    private static long procWriteBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring("write_bytes:".length()).trim());
            }
        }
        throw new IOException("/proc/self/io has no write_bytes line");
    }

    /**
     * {@code write_bytes} of this process's live threads, summed by thread name with its digits dropped (so the
     * per-division threads of Ratis add up by kind). Threads that ended meanwhile are missing from both samples.
     */
    private static Map<String, Long> writeBytesByThreadName() throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "#");
                    for (String line : Files.readAllLines(task.resolve("io"))) {
                        if (line.startsWith("write_bytes:")) {
                            out.merge(name + " [" + task.getFileName() + "]", Long.parseLong(line.substring(12).trim()), Long::sum);
                        }
                    }
                } catch (IOException e) {
                    // the thread ended
                }
            }
        }
        return out;
    }

    /** The growth of {@code write_bytes} per thread kind, as bytes per appended byte per replica, largest first. */
    private static void printWritesByThread(Map<String, Long> before, Map<String, Long> after, long appendedTimesRf) {
        Map<String, Long> byKind = new TreeMap<>();
        after.forEach((thread, bytes) -> {
            long delta = bytes - before.getOrDefault(thread, 0L);
            byKind.merge(thread.substring(0, thread.lastIndexOf(" [")), delta, Long::sum);
        });
        System.out.printf("write_bytes per appended byte per replica, by thread name:%n");
        byKind.entrySet().stream().filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(12).forEach(e -> System.out.printf("  %-20s %.3f%n", e.getKey(), e.getValue() / (double) appendedTimesRf));
    }

    /** Bytes written by every whole disk of this machine (/proc/diskstats sectors × 512), file-system journal included. */
    private static long deviceWriteBytes() throws IOException {
        long sectors = 0;
        for (String line : Files.readAllLines(Path.of("/proc/diskstats"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 9 && f[2].matches("vd[a-z]+|sd[a-z]+|xvd[a-z]+|nvme\\d+n\\d+")) {
                sectors += Long.parseLong(f[9]);
            }
        }
        return sectors * 512;
    }

    private void throughput(int partitions, int seconds, int inflight) throws Exception {
        System.out.printf("| replication factor | partitions | in flight/partition | MB/s | batches/s | p50 ms | p99 ms"
                + " | device bytes written per appended byte per replica | /proc/self/io write_bytes per appended byte per replica |%n");
        System.out.printf("|---|---|---|---|---|---|---|---|---|%n");
        for (int rf : new int[] {1, 3}) {
            String topic = "bench-rf" + rf;
            createTopic(topic, partitions, rf);
            Load warm = new Load(topic);
            warm.start(partitions, inflight);
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(Math.max(2, seconds / 5)));
            warm.stop();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            long written0 = procWriteBytes();
            long device0 = deviceWriteBytes();
            Map<String, Long> byThread0 = writeBytesByThreadName();
            Load load = new Load(topic);
            long t0 = System.nanoTime();
            load.start(partitions, inflight);
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
            load.stop();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long appended = load.bytes.get();
            long batches = load.batches.get();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2)); // let the answers in flight land and applies finish
            new ProcessBuilder("sync").inheritIO().start().waitFor(); // dirty pages reach the device before it is read
            long written = procWriteBytes() - written0;
            long device = deviceWriteBytes() - device0;
            List<Long> lat = new ArrayList<>(load.latenciesUs);
            Collections.sort(lat);
            System.out.printf("| %d | %d | %d | %.1f | %.0f | %.1f | %.1f | %.2f | %.2f |%n", rf, partitions, inflight,
                    appended / elapsed / 1e6, batches / elapsed, pct(lat, 0.50) / 1e3, pct(lat, 0.99) / 1e3,
                    device / (double) (appended * rf), written / (double) (appended * rf));
            if (load.errors.get() > 0) {
                System.out.printf("(%d appends were refused and retried during the rf=%d run)%n", load.errors.get(), rf);
            }
            if (Boolean.getBoolean("kayak.bench.threads")) {
                printWritesByThread(byThread0, writeBytesByThreadName(), appended * rf);
            }
        }
    }

    /**
     * Wake-up latency: the first append to a quiesced partition against the next one, same partitions, same run.
     * Each append starts at the recorded leader and follows {@code NOT_LEADER} hints as a client would.
     */
    private void wake(int partitions, int rounds) throws Exception {
        String topic = "wake";
        createTopic(topic, partitions, 3);
        List<Long> first = new ArrayList<>();
        List<Long> next = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            await("every partition quiesced on every node", 600, () -> servers.values().stream()
                    .allMatch(s -> s.replicaManager().quiescedCount() == s.replicaManager().hostedCount()));
            for (int p = 0; p < partitions; p++) {
                first.add(timedAppend(new TopicPartition(topic, p)));
                next.add(timedAppend(new TopicPartition(topic, p)));
            }
        }
        Collections.sort(first);
        Collections.sort(next);
        System.out.printf("| append to | appends | p50 ms | p90 ms | max ms |%n|---|---|---|---|---|%n");
        System.out.printf("| a quiesced partition (wakes it) | %d | %.1f | %.1f | %.1f |%n", first.size(), pct(first, 0.5) / 1e3,
                pct(first, 0.9) / 1e3, first.get(first.size() - 1) / 1e3);
        System.out.printf("| the same partition right after (running) | %d | %.1f | %.1f | %.1f |%n", next.size(),
                pct(next, 0.5) / 1e3, pct(next, 0.9) / 1e3, next.get(next.size() - 1) / 1e3);
    }

    /** Microseconds until one append to {@code tp} is acknowledged, following leader hints, retrying every 5 ms. */
    private long timedAppend(TopicPartition tp) throws Exception {
        long start = System.nanoTime();
        int node = image().topic(tp.topic()).orElseThrow().partitions().get(tp.partition()).leader();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            AppendResult r = servers.get(node).partitionService().append(tp, BenchFiles.batch(BATCH_BYTES), Acks.ALL, 10_000)
                    .get(20, TimeUnit.SECONDS);
            if (r.error() == PartitionError.NONE) {
                return (System.nanoTime() - start) / 1_000;
            }
            if (r.error() == PartitionError.NOT_LEADER && servers.containsKey(r.leaderHint())) {
                node = r.leaderHint();
            } else {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
        throw new IllegalStateException("no append to " + tp + " acknowledged within 60 s");
    }

    private static long pct(List<Long> sorted, double q) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) (q * sorted.size())));
    }

    private void idle(int partitions, int seconds) throws Exception {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf("| partitions (RF=3) | groups | CPU per node, %% of one core | heap used after GC, MiB (3 nodes)"
                + " | threads (3 nodes) | top thread roles, %% of one core (3 nodes) |%n");
        System.out.printf("|---|---|---|---|---|---|%n");
        idleSample(os, memory, 0, "-", seconds);
        int topics = Math.max(1, partitions / 10);
        for (int t = 0; t < topics; t++) {
            servers.values().iterator().next().topicAdmin().createTopic("idle-" + t, partitions / topics, 3, Map.of(), null);
        }
        await("every partition led with a full ISR", 600, () -> {
            for (int t = 0; t < topics; t++) {
                if (!isrFull("idle-" + t)) {
                    return false;
                }
            }
            return true;
        });
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5)); // let the elections' aftermath settle
        long quiesceMs = configs.get(1).replicationConfig().quiesceMs();
        if (quiesceMs == 0 || quiesceMs > TimeUnit.SECONDS.toMillis(seconds + 5)) {
            idleSample(os, memory, partitions, "running", seconds);
        }
        if (quiesceMs > 0) {
            await("every partition quiesced on every node", 900, () -> servers.values().stream()
                    .allMatch(s -> s.replicaManager().quiescedCount() == s.replicaManager().hostedCount()));
            idleSample(os, memory, partitions, "quiesced", seconds);
        }
    }

    /** CPU time of every live thread, by role: the thread name with group ids and numbers taken out. */
    private static Map<String, Long> cpuByRole() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new HashMap<>();
        for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(t.getThreadId());
            String role = t.getThreadName().replaceAll("group-[0-9A-F]+", "group-*").replaceAll("\\d+", "#");
            out.merge(role, Math.max(0, cpu), Long::sum);
        }
        return out;
    }

    private void idleSample(OperatingSystemMXBean os, MemoryMXBean memory, int partitions, String groups, int seconds) {
        Map<String, Long> roles0 = cpuByRole();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
        double cpu = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - t0);
        Map<String, Long> roles1 = cpuByRole();
        List<Map.Entry<String, Long>> top = new ArrayList<>();
        roles1.forEach((role, ns) -> top.add(Map.entry(role, ns - roles0.getOrDefault(role, 0L))));
        top.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        StringBuilder roles = new StringBuilder();
        for (int i = 0; i < Math.min(6, top.size()); i++) {
            roles.append(String.format("%s%s %.1f%%", i == 0 ? "" : ", ", top.get(i).getKey(),
                    top.get(i).getValue() * 100.0 / (System.nanoTime() - t0)));
        }
        System.gc();
        long heap = memory.getHeapMemoryUsage().getUsed();
        System.out.printf("| %d | %s | %.1f | %.0f | %d | %s |%n", partitions, groups, cpu / 3 * 100, heap / 1048576.0,
                ManagementFactory.getThreadMXBean().getThreadCount(), roles);
    }

    /**
     * Fail-over time as a client sees it: load runs on every partition; the node whose Ratis division leads
     * partition 0 is crashed (its partition Raft traffic cut at once, as by kill -9), and a probe, like a client that saw its connection drop, retries an append to
     * partition 0 on whichever node leads it (every 5 ms while none does) until one is acknowledged.
     */
    private void failover(int runs, int partitions, int inflight) throws Exception {
        String topic = "failover";
        createTopic(topic, partitions, 3);
        List<Long> millis = new ArrayList<>();
        TopicPartition tp0 = new TopicPartition(topic, 0);
        for (int run = 0; run < runs; run++) {
            Load load = new Load(topic);
            load.start(partitions, inflight);
            await("appends flowing", 30, () -> inflight == 0 || load.batches.get() > 20);
            KayakServer leader = leaderOf(topic, 0);
            int victim = servers.entrySet().stream().filter(e -> e.getValue() == leader).findFirst().orElseThrow().getKey();
            KayakServer dying = servers.remove(victim);
            // The crash cuts the node's partition Raft traffic at once, then closes it in an orderly (slow) way:
            // on a thread of its own, so the probe starts at the moment peers lose the node.
            Thread crash = new Thread(() -> {
                try {
                    dying.crashForTesting();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "bench-crash");
            long killed = System.nanoTime();
            crash.start();
            long acked = -1;
            long elected = -1;
            int attempts = 0;
            while (acked < 0 && System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(60)) {
                KayakServer now = leaderOf(topic, 0);
                if (now == null) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                    continue;
                }
                elected = elected < 0 ? System.nanoTime() : elected;
                attempts++;
                AppendResult r = now.partitionService().append(tp0, BenchFiles.batch(BATCH_BYTES), Acks.ALL, 2_000)
                        .get(10, TimeUnit.SECONDS);
                if (r.error() == PartitionError.NONE) {
                    acked = System.nanoTime();
                } else {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
            if (acked < 0) {
                throw new IllegalStateException("no append to partition 0 acknowledged within 60 s of the crash");
            }
            long ms = (acked - killed) / 1_000_000;
            millis.add(ms);
            crash.join();
            long crashMs = (System.nanoTime() - killed) / 1_000_000;
            load.stop();
            KayakServer back = KayakServer.start(configs.get(victim));
            servers.put(victim, back);
            // The recorded ISR alone does not show the node is back: it may still list the node (the lag time has
            // not passed) while its partition Raft server is still starting. Wait until every replica on it follows
            // a leader, then for the ISR.
            await("node " + victim + " following every partition's leader", 120, () -> back.replicaManager() != null
                    && java.util.stream.IntStream.range(0, partitions).allMatch(p -> {
                        int l = back.replicaManager().localLeader(new io.kayak.metadata.TopicPartition(topic, p));
                        return l >= 0 && l != victim || back.replicaManager().isLeader(new io.kayak.metadata.TopicPartition(topic, p));
                    }));
            await("node " + victim + " back in every ISR", 120, () -> isrFull(topic));
            System.out.printf("run %d: node %d (leader of partition 0) crashed; a new leader after %d ms; partition 0"
                    + " acknowledged again after %d ms (%d attempts; the crashed node's orderly close took %d ms)%n", run + 1,
                    victim, (elected - killed) / 1_000_000, ms, attempts, crashMs);
        }
        Collections.sort(millis);
        System.out.printf("| runs | median ms | p90 ms | max ms | min ms |%n|---|---|---|---|---|%n| %d | %d | %d | %d | %d |%n",
                runs, millis.get(runs / 2), millis.get(Math.min(runs - 1, (int) (runs * 0.9))), millis.get(runs - 1), millis.get(0));
    }
}
