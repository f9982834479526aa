package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart as a user runs it, with the real scripts and separate JVMs: kayak-cluster.sh start, kill -9
 * of the metadata leader, quorum describe reporting a new leader, kayak-server.sh bringing the node back,
 * and the quorum showing it rejoined with zero lag; kill -9 of the node leading most partitions under a producer,
 * and of the node coordinating a consumer group under its members ({@link GroupTraffic}). Every node is stopped by
 * its PID at the end.
 */
@Tag("system")
class ClusterScriptsIT {
    private static final Pattern LEADER = Pattern.compile("\"leaderId\":(-?\\d+)");
    private static final Pattern LAG = Pattern.compile("\"lag\":(-?\\d+)");

    @TempDir
    Path tmp;
    private final Path home = Path.of(System.getProperty("kayak.home", "..")).toAbsolutePath().normalize();
    private final Map<Integer, Integer> httpPorts = new HashMap<>();
    private final Map<Integer, Integer> kafkaPorts = new HashMap<>();

    @AfterEach
    void stopEverything() throws Exception {
        script("bin/kayak-cluster.sh", "stop");
        String dir = tmp.toString();
        String realDir = tmp.toRealPath().toString();
        try (var pids = Files.list(tmp.resolve("logs"))) {
            for (Path f : pids.filter(p -> p.toString().endsWith(".pid")).toList()) {
                // A PID file of a node killed earlier may name an id reused since, by another process or its thread.
                ProcessHandle.of(Long.parseLong(Files.readString(f).trim()))
                        .filter(h -> h.info().commandLine().map(c -> c.contains(dir) || c.contains(realDir)).orElse(false))
                        .ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // nothing was started
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void writeConfigs() throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        List<String> voters = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            voters.add(id + "@127.0.0.1:" + freePort());
            httpPorts.put(id, freePort());
            kafkaPorts.put(id, freePort());
        }
        for (int id = 1; id <= 3; id++) {
            Files.writeString(conf.resolve("server-" + id + ".properties"), String.join("\n",
                    "node.id=" + id,
                    "listeners=PLAINTEXT://127.0.0.1:" + kafkaPorts.get(id),
                    "controller.quorum.voters=" + String.join(",", voters),
                    "kayak.http.port=" + httpPorts.get(id),
                    "kayak.replication.listener=127.0.0.1:" + freePort(),
                    "log.dirs=../data/node-" + id,
                    "broker.heartbeat.interval.ms=500",
                    "broker.session.timeout.ms=3000",
                    ""));
        }
    }

    /** Runs a script of the repository with the test's conf and log dirs; returns its exit code and output. */
    private Result script(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", home.resolve(command[0]).toString()));
        cmd.addAll(List.of(command).subList(1, command.length));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("KAYAK_CONF_DIR", tmp.resolve("conf").toString());
        pb.environment().put("KAYAK_LOG_DIR", tmp.resolve("logs").toString());
        pb.environment().put("KAYAK_HEAP_OPTS", "-Xms64m -Xmx256m");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("script " + cmd + " did not finish in 180 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private record Result(int exit, String output) {
    }

    private String describeJson(int viaNode) throws IOException, InterruptedException {
        Result r = script("bin/kayak-admin.sh", "quorum", "describe", "--http-server", "127.0.0.1:" + httpPorts.get(viaNode), "--json");
        return r.exit() == 0 ? r.output() : "";
    }

    private static int leaderOf(String json) {
        Matcher m = LEADER.matcher(json);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private long pidOf(int node) throws IOException {
        return Long.parseLong(Files.readString(tmp.resolve("logs/node-" + node + ".pid")).trim());
    }

    @Test
    void quickstartSurvivesKillingTheMetadataLeader() throws Exception {
        writeConfigs();
        Result start = script("bin/kayak-cluster.sh", "start");
        assertEquals(0, start.exit(), start.output());
        assertTrue(start.output().contains("is up"), start.output());

        int leader = leaderOf(describeJson(1));
        assertTrue(leader >= 1 && leader <= 3, "no leader in: " + describeJson(1));
        ProcessHandle.of(pidOf(leader)).orElseThrow().destroyForcibly(); // kill -9

        int survivor = leader == 1 ? 2 : 1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int newLeader = -1;
        while (System.nanoTime() < deadline) {
            newLeader = leaderOf(describeJson(survivor));
            if (newLeader > 0 && newLeader != leader) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        assertNotEquals(leader, newLeader, "quorum describe never reported a new leader");
        assertTrue(newLeader > 0);

        Result restart = script("bin/kayak-server.sh", "-daemon", tmp.resolve("conf/server-" + leader + ".properties").toString());
        assertEquals(0, restart.exit(), restart.output());
        String json = "";
        while (System.nanoTime() < deadline) {
            json = describeJson(leader);
            Matcher lags = LAG.matcher(json);
            int zero = 0;
            while (lags.find()) {
                zero += lags.group(1).equals("0") ? 1 : 0;
            }
            if (zero == 3) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        Matcher lags = LAG.matcher(json);
        int voters = 0;
        while (lags.find()) {
            assertEquals("0", lags.group(1), "a voter still lags after the restart: " + json);
            voters++;
        }
        assertEquals(3, voters, json);

        Result status = script("bin/kayak-cluster.sh", "status");
        assertEquals(0, status.exit(), status.output());
        assertEquals(3, status.output().lines().filter(l -> l.contains(": running")).count(), status.output());

        Result stop = script("bin/kayak-cluster.sh", "stop");
        assertEquals(0, stop.exit(), stop.output());
        assertEquals(3, stop.output().lines().filter(l -> l.matches("node-\\d stopped .*")).count(), stop.output());
        assertTrue(!stop.output().contains("did not stop"), "a node ignored SIGTERM: " + stop.output());
        for (int id = 1; id <= 3; id++) {
            assertTrue(Files.notExists(tmp.resolve("logs/node-" + id + ".pid")), "PID file of node " + id + " left behind");
        }
    }

    /** Runs kcat (librdkafka 2.0 from Debian), feeding it {@code input}; returns its exit code and output. */
    private static Result kcat(String input, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("kcat"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("kcat is needed for this test: apt-get install kcat (.ci/run installs it)", e);
        }
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("kcat " + cmd + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void kcatProducesAndConsumesAgainstTheScriptStartedCluster() throws Exception {
        writeConfigs();
        Result start = script("bin/kayak-cluster.sh", "start");
        assertEquals(0, start.exit(), start.output());
        String bootstrap = kafkaPorts.values().stream().map(p -> "127.0.0.1:" + p).reduce((a, b) -> a + "," + b).orElseThrow();

        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            input.append("key-").append(i % 7).append(':').append("value-").append(i).append('\n');
        }
        Result produce = kcat(input.toString(), "-b", bootstrap, "-t", "kcat-topic", "-P", "-K:", "-z", "lz4");
        assertEquals(0, produce.exit(), produce.output());
        Result consume = kcat("", "-b", bootstrap, "-t", "kcat-topic", "-C", "-o", "beginning", "-e", "-q",
                "-f", "%k:%s\n");
        assertEquals(0, consume.exit(), consume.output());
        assertEquals(input.toString(), consume.output(), "what kcat produced comes back in order (one partition)");

        Result metadata = kcat("", "-b", bootstrap, "-L");
        assertEquals(0, metadata.exit(), metadata.output());
        assertTrue(metadata.output().contains("3 brokers"), metadata.output());
        assertTrue(metadata.output().contains("topic \"kcat-topic\" with 1 partitions"), metadata.output());

        // The admin CLI as a process, through its script: only its own output, no client logging.
        Result describe = script("bin/kayak-admin.sh", "topics", "describe", "--topic", "kcat-topic", "--bootstrap-server", bootstrap);
        assertEquals(0, describe.exit(), describe.output());
        assertTrue(describe.output().startsWith("Topic: kcat-topic  TopicId: "), describe.output());
        assertTrue(describe.output().lines().anyMatch(l -> l.matches("0\\s+[123]\\s+\\d+\\s+[\\d,]+\\s+[\\d,]+\\s+0\\s+200")),
                describe.output());
        Result read = script("bin/kayak-admin.sh", "consume", "--topic", "kcat-topic", "--from-beginning", "--max-messages", "200",
                "--print-key", "--bootstrap-server", bootstrap);
        assertEquals(0, read.exit(), read.output());
        assertEquals(input.toString().replace(':', '\t') + "Consumed 200 record(s).\n", read.output());
    }

    /**
     * The mission's fail-over promise with real processes: while an idempotent acks=all Java producer sends
     * continuously, {@code kill -9} hits the node leading most partitions; the node is restarted with the
     * script; afterwards every acknowledged record is read back exactly once, in acknowledgement order per
     * partition, and the producer reported no error.
     */
    @Test
    void aProducerLosesNothingWhenTheNodeLeadingMostPartitionsIsKilled() throws Exception {
        writeConfigs();
        Result start = script("bin/kayak-cluster.sh", "start");
        assertEquals(0, start.exit(), start.output());
        String bootstrap = kafkaPorts.values().stream().map(p -> "127.0.0.1:" + p).reduce((a, b) -> a + "," + b).orElseThrow();
        int partitions = 6;
        java.util.Properties ap = new java.util.Properties();
        ap.put("bootstrap.servers", bootstrap);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(ap)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("ledger", partitions, (short) 3)))
                    .all().get(60, TimeUnit.SECONDS);
            awaitFullIsr(admin, "ledger", 90);

            java.util.Properties pp = new java.util.Properties();
            pp.put("bootstrap.servers", bootstrap);
            pp.put("acks", "all");
            pp.put("linger.ms", "2");
            pp.put("request.timeout.ms", "5000");
            pp.put("delivery.timeout.ms", "120000");
            Map<Integer, List<Integer>> ackedOrder = new java.util.concurrent.ConcurrentHashMap<>();
            List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicInteger acked = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            int[] sent = new int[1];
            try (org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
                         new org.apache.kafka.clients.producer.KafkaProducer<>(pp,
                                 new org.apache.kafka.common.serialization.StringSerializer(),
                                 new org.apache.kafka.common.serialization.StringSerializer())) {
                Thread sender = new Thread(() -> {
                    for (int i = 0; running.get(); i++) {
                        int n = i;
                        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("ledger", i % partitions, null,
                                Integer.toString(n)), (md, e) -> {
                            if (e != null) {
                                failures.add(e);
                            } else {
                                ackedOrder.computeIfAbsent(md.partition(),
                                        x -> java.util.Collections.synchronizedList(new ArrayList<>())).add(n);
                                acked.incrementAndGet();
                            }
                        });
                        sent[0] = i + 1;
                        if (i % 200 == 199) {
                            producer.flush();
                        }
                    }
                }, "test-producer");
                sender.start();
                awaitCount("records flowing", acked, 2_000, failures);

                Map<Integer, Integer> leads = new HashMap<>();
                admin.describeTopics(List.of("ledger")).allTopicNames().get(30, TimeUnit.SECONDS).get("ledger").partitions()
                        .forEach(p -> leads.merge(p.leader().id(), 1, Integer::sum));
                int victim = leads.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                int atKill = acked.get();
                ProcessHandle.of(pidOf(victim)).orElseThrow().destroyForcibly(); // kill -9
                awaitCount("acknowledgements without node " + victim, acked, atKill + 2_000, failures);

                Result restart = script("bin/kayak-server.sh", "-daemon",
                        tmp.resolve("conf/server-" + victim + ".properties").toString());
                assertEquals(0, restart.exit(), restart.output());
                awaitFullIsr(admin, "ledger", 120);
                awaitCount("acknowledgements after its return", acked, acked.get() + 1_000, failures);
                running.set(false);
                sender.join(30_000);
                producer.flush();
            }
            assertEquals(List.of(), failures, "the producer recovered from everything");
            assertEquals(sent[0], acked.get(), "every record sent was acknowledged");

            java.util.Properties cp = new java.util.Properties();
            cp.put("bootstrap.servers", bootstrap);
            cp.put("enable.auto.commit", "false");
            Map<Integer, List<Integer>> read = new HashMap<>();
            try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer =
                         new org.apache.kafka.clients.consumer.KafkaConsumer<>(cp,
                                 new org.apache.kafka.common.serialization.StringDeserializer(),
                                 new org.apache.kafka.common.serialization.StringDeserializer())) {
                List<org.apache.kafka.common.TopicPartition> all = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    all.add(new org.apache.kafka.common.TopicPartition("ledger", p));
                }
                consumer.assign(all);
                consumer.seekToBeginning(all);
                int count = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (count < acked.get() && System.nanoTime() < deadline) {
                    for (var r : consumer.poll(java.time.Duration.ofMillis(500))) {
                        read.computeIfAbsent(r.partition(), x -> new ArrayList<>()).add(Integer.parseInt(r.value()));
                        count++;
                    }
                }
            }
            for (int p = 0; p < partitions; p++) {
                assertEquals(ackedOrder.get(p), read.get(p), "partition " + p
                        + ": every acknowledged record once, in acknowledgement order, and nothing else");
            }
        }
    }

    /**
     * Issue 6's fail-over promise with real processes: two members of a group (subscribe, commitSync after every
     * poll) read a topic while an idempotent producer writes to it; {@code kill -9} hits the node coordinating the
     * group; the group moves to a live node and both members carry on there (Stable, two members, commits accepted
     * again); the node is restarted with the script (the group may move back to it). Throughout, an AdminClient
     * samples the committed offsets: none ever goes backwards. In the end every acknowledged record was consumed at
     * least once and the committed offsets are the end offsets.
     */
    @Test
    void aConsumerGroupCarriesOnWhenItsCoordinatorIsKilled() throws Exception {
        writeConfigs();
        Result start = script("bin/kayak-cluster.sh", "start");
        assertEquals(0, start.exit(), start.output());
        String bootstrap = kafkaPorts.values().stream().map(p -> "127.0.0.1:" + p).reduce((a, b) -> a + "," + b).orElseThrow();
        String topic = "payments";
        String group = "payment-readers";
        int partitions = 3;
        java.util.Properties ap = new java.util.Properties();
        ap.put("bootstrap.servers", bootstrap);
        ap.put("request.timeout.ms", "5000");
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(ap);
             GroupTraffic.OffsetSampler sampler = new GroupTraffic.OffsetSampler(admin, group);
             GroupTraffic.Reader first = new GroupTraffic.Reader(bootstrap, group, topic, "reader-1");
             GroupTraffic.Reader second = new GroupTraffic.Reader(bootstrap, group, topic, "reader-2");
             GroupTraffic.Writer writer = new GroupTraffic.Writer(bootstrap, topic, partitions)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, partitions, (short) 3)))
                    .all().get(60, TimeUnit.SECONDS);
            awaitFullIsr(admin, topic, 90);
            List<GroupTraffic.Reader> readers = List.of(first, second);
            readers.forEach(GroupTraffic.Reader::start);
            writer.start();
            sampler.start();
            awaitGroup(admin, group, -1, 90);
            await("records consumed and committed before the kill", 90,
                    () -> consumed(readers).size() >= 1_000 && sampler.committedSum() > 0, readers, writer);

            int victim = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group)
                    .coordinator().id();
            long committedAtKill = sampler.committedSum();
            int consumedAtKill = consumed(readers).size();
            ProcessHandle.of(pidOf(victim)).orElseThrow().destroyForcibly(); // kill -9
            awaitGroup(admin, group, victim, 120);
            await("commits accepted by the new coordinator", 120, () -> sampler.committedSum() > committedAtKill
                    && consumed(readers).size() >= consumedAtKill + 1_000, readers, writer);

            Result restart = script("bin/kayak-server.sh", "-daemon", tmp.resolve("conf/server-" + victim + ".properties").toString());
            assertEquals(0, restart.exit(), restart.output());
            awaitFullIsr(admin, topic, 120);
            writer.stopAndFlush();
            assertEquals(List.of(), writer.failures, "the producer recovered from everything");
            Map<org.apache.kafka.common.TopicPartition, Long> ends = endOffsets(admin, topic, partitions);
            assertEquals(writer.acked.size(), ends.values().stream().mapToLong(Long::longValue).sum(),
                    "every acknowledged record is in the topic once");
            await("every acknowledged record consumed and the end offsets committed", 120,
                    () -> consumed(readers).containsAll(writer.acked) && ends.equals(sampler.committed()), readers, writer);
            readers.forEach(GroupTraffic.Reader::stop);
            for (GroupTraffic.Reader r : readers) {
                assertEquals(List.of(), r.failures, r.name + " failed");
            }
            sampler.stop();
            assertEquals(List.of(), sampler.regressions, "committed offsets only move forward");
        }
    }

    private static java.util.Set<String> consumed(List<GroupTraffic.Reader> readers) {
        java.util.Set<String> all = new java.util.HashSet<>();
        readers.forEach(r -> all.addAll(r.values));
        return all;
    }

    /** Waits for {@code condition}, failing at once if a reader or the writer failed. */
    private static void await(String what, long seconds, java.util.function.BooleanSupplier condition,
                              List<GroupTraffic.Reader> readers, GroupTraffic.Writer writer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            readers.forEach(r -> assertEquals(List.of(), r.failures, r.name + " failed"));
            assertEquals(List.of(), writer.failures, "the producer failed");
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** Waits until the group is Stable with two members and coordinated by a node other than {@code notBy}. */
    private static void awaitGroup(org.apache.kafka.clients.admin.Admin admin, String group, int notBy, long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            try {
                var d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
                last = d.toString();
                if (d.groupState() == org.apache.kafka.common.GroupState.STABLE && d.members().size() == 2
                        && d.coordinator().id() != notBy) {
                    return;
                }
            } catch (Exception e) {
                last = e.toString(); // the coordinator is moving
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        fail("group " + group + " never became Stable with two members away from node " + notBy + ": " + last);
    }

    private static Map<org.apache.kafka.common.TopicPartition, Long> endOffsets(org.apache.kafka.clients.admin.Admin admin,
                                                                                 String topic, int partitions) throws Exception {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> q = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            q.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        Map<org.apache.kafka.common.TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(q).all().get(30, TimeUnit.SECONDS).forEach((tp, r) -> out.put(tp, r.offset()));
        return out;
    }

    private static void awaitCount(String what, java.util.concurrent.atomic.AtomicInteger counter, int target,
                                   List<Exception> failures) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (counter.get() < target && failures.isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + " (" + counter.get() + " of " + target + ")");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static void awaitFullIsr(org.apache.kafka.clients.admin.Admin admin, String topic, long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try {
                var d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
                if (d.partitions().stream().allMatch(p -> p.leader() != null && p.isr().size() == 3)) {
                    return;
                }
            } catch (Exception e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for full ISRs of " + topic);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }
}
