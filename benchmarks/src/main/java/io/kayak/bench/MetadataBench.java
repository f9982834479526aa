package io.kayak.bench;

import io.kayak.broker.config.KayakConfig;
import io.kayak.broker.storage.MetaProperties;
import io.kayak.log.FileTrees;
import io.kayak.metadata.quorum.MetadataClient;
import io.kayak.metadata.quorum.Voter;
import io.kayak.metadata.record.AlterConfigsRecord;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metadata quorum's load harness: three real Kayak node processes on loopback, with default settings.
 * <ol>
 *   <li>Proposals per second with {@code proposers} concurrent proposers (each a thread with a blocking
 *       proposal in flight), with p50/p99 latency.</li>
 *   <li>Fail-over, {@code runs} times: kill -9 of the quorum leader's process, then propose (500 ms attempts)
 *       until one commits; the time from the kill to that commit. The killed node is restarted and caught up
 *       before the next run.</li>
 * </ol>
 * Usage: {@code java -cp benchmarks/target/kayak-benchmarks.jar io.kayak.bench.MetadataBench [runs] [proposers] [seconds]}.
 * Every process it starts is stopped by PID at the end.
 */
public final class MetadataBench {
    private static final Pattern LEADER = Pattern.compile("\"leaderId\":(-?\\d+)");
    private static final Pattern LAG = Pattern.compile("\"lag\":(-?\\d+)");

    private final Path root;
    private final List<Voter> voters = new ArrayList<>();
    private final int[] httpPorts = new int[4];
    private final Process[] nodes = new Process[4];
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private MetadataBench(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int proposers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path root = BenchFiles.scratch("kayak-metadata-bench-");
        MetadataBench bench = new MetadataBench(root);
        try {
            bench.startCluster();
            try (MetadataClient client = MetadataClient.connect(bench.voters, 5_000)) {
                bench.throughput(client, proposers, seconds);
                bench.failover(client, runs);
            }
        } finally {
            bench.stopAll();
            FileTrees.delete(root);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void startCluster() throws Exception {
        for (int id = 1; id <= 3; id++) {
            voters.add(new Voter(id, "127.0.0.1", freePort()));
            httpPorts[id] = freePort();
        }
        String clusterId = MetaProperties.newClusterId();
        StringBuilder v = new StringBuilder();
        for (Voter voter : voters) {
            v.append(v.length() == 0 ? "" : ",").append(voter);
        }
        for (int id = 1; id <= 3; id++) {
            Path conf = root.resolve("server-" + id + ".properties");
            Files.writeString(conf, String.join("\n", "node.id=" + id, "listeners=PLAINTEXT://127.0.0.1:" + freePort(),
                    "controller.quorum.voters=" + v, "kayak.http.port=" + httpPorts[id], "log.dirs=node-" + id,
                    "kayak.replication.listener=127.0.0.1:" + freePort(), ""));
            MetaProperties.format(KayakConfig.load(conf), clusterId);
            start(id);
        }
        awaitAllCaughtUp();
    }

    private void start(int id) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        nodes[id] = new ProcessBuilder(java, "-Xms256m", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.kayak.broker.KayakServer", root.resolve("server-" + id + ".properties").toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("node-" + id + ".log").toFile()).start();
    }

    private String quorum(int id) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts[id] + "/admin/quorum"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private int leader() {
        for (int id = 1; id <= 3; id++) {
            if (nodes[id] != null && nodes[id].isAlive()) {
                Matcher m = LEADER.matcher(quorum(id));
                if (m.find() && Integer.parseInt(m.group(1)) > 0) {
                    return Integer.parseInt(m.group(1));
                }
            }
        }
        return -1;
    }

    private void awaitAllCaughtUp() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            int leader = leader();
            if (leader > 0) {
                Matcher m = LAG.matcher(quorum(leader));
                int zero = 0;
                while (m.find()) {
                    zero += m.group(1).equals("0") ? 1 : 0;
                }
                if (zero == 3) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the quorum did not catch up within 120 s; logs in " + root);
    }

    private static AlterConfigsRecord record(long n) {
        return new AlterConfigsRecord(AlterConfigsRecord.Resource.CLUSTER, "", Map.of("bench." + (n % 64), Long.toString(n)));
    }

    private void throughput(MetadataClient client, int proposers, int seconds) throws InterruptedException {
        AtomicLong count = new AtomicLong();
        ConcurrentLinkedQueue<Long> latenciesUs = new ConcurrentLinkedQueue<>();
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < proposers; t++) {
            Thread th = new Thread(() -> {
                long n = 0;
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    client.propose(record(n++));
                    if (start >= warmupEnd) {
                        count.incrementAndGet();
                        latenciesUs.add((System.nanoTime() - start) / 1_000);
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        List<Long> sorted = new ArrayList<>(latenciesUs);
        Collections.sort(sorted);
        System.out.printf("proposals: %d proposers, %d s after 3 s warm-up: %.0f proposals/s, latency p50 %.1f ms, p99 %.1f ms%n",
                proposers, seconds, count.get() / (double) seconds, pct(sorted, 0.50) / 1000.0, pct(sorted, 0.99) / 1000.0);
    }

    private void failover(MetadataClient client, int runs) throws Exception {
        List<Long> samplesMs = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            client.propose(record(-run));
            int leader = leader();
            if (leader < 0) {
                throw new IllegalStateException("no leader before run " + run);
            }
            nodes[leader].destroyForcibly(); // SIGKILL
            long killed = System.nanoTime();
            nodes[leader].waitFor();
            while (true) {
                try {
                    client.propose(record(run), 500);
                    break;
                } catch (RuntimeException e) {
                    if (System.nanoTime() - killed > TimeUnit.SECONDS.toNanos(60)) {
                        throw new IllegalStateException("no commit within 60 s after killing node " + leader, e);
                    }
                }
            }
            long ms = (System.nanoTime() - killed) / 1_000_000;
            samplesMs.add(ms);
            System.out.printf("fail-over run %d: killed leader %d, next commit after %d ms%n", run, leader, ms);
            start(leader);
            awaitAllCaughtUp();
        }
        List<Long> sorted = new ArrayList<>(samplesMs);
        Collections.sort(sorted);
        System.out.printf("fail-over over %d runs: median %d ms, p90 %d ms, max %d ms, min %d ms%n", runs,
                pct(sorted, 0.5), pct(sorted, 0.9), sorted.get(sorted.size() - 1), sorted.get(0));
    }

    private static long pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    private void stopAll() throws InterruptedException {
        for (Process p : nodes) {
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }
}
