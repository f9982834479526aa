package io.kayak.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Three Apache Kafka 4.x nodes in KRaft combined mode (broker and controller in each), from the jars of
 * {@code org.apache.kafka:kafka_2.13} on Maven Central (the classpath {@code benchmarks/kafka-broker/pom.xml}
 * resolves into {@code target/classpath.txt}), with the same heap and GC as Kayak's nodes. Stopped by PID:
 * SIGTERM, then SIGKILL after {@link #STOP_WAIT_S} s.
 */
final class KafkaProcesses implements BrokerCluster {
    static final long STOP_WAIT_S = 30;

    private final Path work;
    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private KafkaProcesses(Path work) {
        this.work = work;
    }

    static Path classpathFile(Path home) {
        return home.resolve("benchmarks/kafka-broker/target/classpath.txt");
    }

    static KafkaProcesses start(Path home, Path work) {
        Path cpFile = classpathFile(home);
        if (!Files.isRegularFile(cpFile)) {
            throw new IllegalStateException(cpFile + " is missing: bin/kayak-compare.sh resolves the Kafka broker jars"
                    + " (mvn -f benchmarks/kafka-broker/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt)");
        }
        KafkaProcesses c = new KafkaProcesses(work);
        try {
            String cp = Files.readString(cpFile).trim();
            List<Path> configs = c.writeConfigs();
            String clusterId = kraftClusterId();
            for (Path config : configs) {
                c.run(cp, "kafka.tools.StorageTool", List.of("format", "-t", clusterId, "-c", config.toString()), true);
            }
            for (Path config : configs) {
                c.processes.add(c.run(cp, "kafka.Kafka", List.of(config.toString()), false));
            }
            c.awaitBrokers();
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        return c;
    }

    /** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding. */
    private static String kraftClusterId() {
        UUID u = UUID.randomUUID();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits());
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    private List<Path> writeConfigs() throws IOException {
        List<Integer> controllers = new ArrayList<>();
        List<String> voters = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            ports.add(Ports.free());
            controllers.add(Ports.free());
            voters.add(id + "@127.0.0.1:" + controllers.get(id - 1));
        }
        List<Path> out = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            Path config = work.resolve("kafka-" + id + ".properties");
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=" + id,
                    "controller.quorum.voters=" + String.join(",", voters),
                    "listeners=PLAINTEXT://127.0.0.1:" + ports.get(id - 1) + ",CONTROLLER://127.0.0.1:" + controllers.get(id - 1),
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + ports.get(id - 1),
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + dataDir(id),
                    "default.replication.factor=3",
                    "offsets.topic.replication.factor=3",
                    "transaction.state.log.replication.factor=3",
                    "transaction.state.log.min.isr=2",
                    "group.initial.rebalance.delay.ms=0",
                    ""));
            out.add(config);
        }
        return out;
    }

    private Process run(String cp, String main, List<String> args, boolean waitForExit) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(List.of(KayakProcesses.HEAP.split(" ")));
        cmd.addAll(List.of("-XX:+UseG1GC", "-cp", cp, main));
        cmd.addAll(args);
        String name = main.substring(main.lastIndexOf('.') + 1) + "-" + Math.abs(args.hashCode());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve("kafka-" + name + ".log").toFile()).start();
        if (waitForExit) {
            try {
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException(main + " " + args + " failed; see " + work);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return p;
    }

    private void awaitBrokers() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            while (System.nanoTime() < deadline) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == 3) {
                        return;
                    }
                } catch (Exception e) {
                    // not up yet
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
        throw new IllegalStateException("the Kafka cluster did not show 3 brokers within 120 s; logs in " + work);
    }

    @Override
    public String system() {
        return "kafka";
    }

    @Override
    public String bootstrap() {
        return String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    @Override
    public List<Long> pids() {
        return processes.stream().filter(Process::isAlive).map(Process::pid).toList();
    }

    @Override
    public long pid(int nodeId) {
        return processes.get(nodeId - 1).pid();
    }

    @Override
    public String durability() {
        return "acks=all: the batch is in the page cache of every in-sync replica before the ack; Kafka does not"
                + " fsync before acknowledging (its default, log.flush.interval.messages unset)";
    }

    private Path dataDir(int nodeId) {
        return work.resolve("kafka-data-" + nodeId);
    }

    @Override
    public List<Path> dataDirs() {
        return List.of(dataDir(1), dataDir(2), dataDir(3));
    }

    @Override
    public void close() {
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            try {
                if (!p.waitFor(STOP_WAIT_S, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(STOP_WAIT_S, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
