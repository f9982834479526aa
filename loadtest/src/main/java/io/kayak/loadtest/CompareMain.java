package io.kayak.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The side-by-side run: for each system in turn (and each repeat), start its three-node cluster, run the chosen
 * workloads, stop it; then print one table with both systems and their ratio, and append it, with the date,
 * commit, machine and command, to {@code --out} if given.
 *
 * <pre>
 * CompareMain [--quick | --tiny] [--systems kayak,kayak-nofsync,kafka] [--workloads produce,produce-acks1,latency,e2e,catchup]
 *             [--repeat N] [--no-warm-up] [--kayak-config key=value,...] [--out docs-file.md] [--work dir]
 * </pre>
 */
public final class CompareMain {
    static final Set<String> WORKLOADS = Set.of("produce", "produce-acks1", "latency", "e2e", "catchup", "failover");
    static final Set<String> SYSTEMS = Set.of("kayak", KayakProcesses.NO_FSYNC, "kafka");

    private CompareMain() {
    }

    /**
     * Sizes of one run: records per throughput run, rates and seconds of the latency runs, round trips, and the
     * warm-up that precedes the measured workloads on each freshly started cluster: rounds of
     * {@code warmUpRecords} each, until the brokers' JIT compilers settle or {@code warmUpMaxRounds} have run.
     */
    record Sizes(int throughputRecords, int manyPartitions, int[] rates, int rateSeconds, int roundTrips,
                 int failoverRate, int failoverSeconds, int warmUpRecords, int warmUpMaxRounds) {
        static Sizes of(String mode) {
            return switch (mode) {
                case "tiny" -> new Sizes(2_000, 12, new int[] {500}, 2, 20, 200, 6, 1_000, 1);
                case "quick" -> new Sizes(30_000, 100, new int[] {2_000, 5_000}, 10, 200, 1_000, 20, 60_000, 10);
                default -> new Sizes(200_000, 100, new int[] {5_000, 20_000}, 30, 1_000, 2_000, 60, 200_000, 45);
            };
        }

        Sizes withoutWarmUp() {
            return new Sizes(throughputRecords, manyPartitions, rates, rateSeconds, roundTrips, failoverRate,
                    failoverSeconds, 0, 0);
        }
    }

    /**
     * The warm-up has settled once the JIT compiler threads took less than this share of the brokers' CPU in
     * {@link #JIT_SETTLED_ROUNDS} rounds in a row: the measured workloads then run on compiled code, as a broker
     * does once it has run for a while.
     */
    static final double JIT_SETTLED_SHARE = 0.05;

    /**
     * Rounds in a row under {@link #JIT_SETTLED_SHARE}. The share does not fall steadily: in one run Kayak's compilers
     * took 11 and 12 % in rounds 17 and 18 and 31 % in round 19, Kafka's 6 % in round 12 and 15 % in round 14 (code
     * that only turns hot later, such as snapshots and log segment rolls), so a single quiet round can be luck.
     */
    static final int JIT_SETTLED_ROUNDS = 2;

    /** Whether the warm-up may stop after rounds whose brokers' JIT shares were {@code shares}, oldest first. */
    static boolean jitSettled(List<Double> shares) {
        if (shares.size() < JIT_SETTLED_ROUNDS) {
            return false;
        }
        return shares.subList(shares.size() - JIT_SETTLED_ROUNDS, shares.size()).stream()
                .allMatch(share -> share < JIT_SETTLED_SHARE);
    }

    /** The row the warm-up's own figures go in (not a measured workload). */
    static final String WARM_UP = "warm-up (rounds of acks=all on 3 partitions, not measured)";

    record Options(String mode, List<String> systems, List<String> workloads, int repeat, boolean warmUp,
                   List<String> kayakConfig, Path out, Path work) {
        static Options parse(String[] args) throws IOException {
            String mode = "full";
            boolean warmUp = true;
            List<String> kayakConfig = List.of();
            List<String> systems = List.of("kayak", "kafka");
            List<String> workloads = List.of("produce", "produce-acks1", "latency", "e2e", "catchup", "failover");
            int repeat = 3;
            Path out = null;
            Path work = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> { mode = "quick"; repeat = 1; }
                    case "--tiny" -> { mode = "tiny"; repeat = 1; }
                    case "--systems" -> systems = List.of(args[++i].split(","));
                    case "--workloads" -> workloads = List.of(args[++i].split(","));
                    case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                    case "--no-warm-up" -> warmUp = false;
                    case "--kayak-config" -> kayakConfig = List.of(args[++i].split(","));
                    case "--out" -> out = Path.of(args[++i]);
                    case "--work" -> work = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            for (String sys : systems) {
                if (!SYSTEMS.contains(sys)) {
                    throw new IllegalArgumentException("unknown system " + sys + "; one of " + SYSTEMS);
                }
            }
            for (String w : workloads) {
                if (!WORKLOADS.contains(w)) {
                    throw new IllegalArgumentException("unknown workload " + w + "; one of " + WORKLOADS);
                }
            }
            for (String kv : kayakConfig) {
                if (!kv.matches("[a-z][a-z0-9._-]*=[^=\\s]*")) {
                    throw new IllegalArgumentException("--kayak-config takes key=value pairs separated by commas, not " + kv);
                }
            }
            if (work == null) {
                work = Files.createTempDirectory("kayak-compare");
            }
            return new Options(mode, systems, workloads, repeat, warmUp, kayakConfig, out, work);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            System.err.println("usage: kayak-compare.sh [--quick|--tiny] [--systems kayak,kayak-nofsync,kafka] [--workloads "
                    + String.join(",", WORKLOADS) + "] [--repeat N] [--no-warm-up] [--kayak-config key=value,...] [--out file.md] [--work dir]: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path home = Path.of(System.getProperty("kayak.home", ".")).toAbsolutePath().normalize();
        Report report = run(home, o);
        String table = report.markdown();
        System.out.println(table);
        if (o.out() != null) {
            Files.writeString(o.out(), header(home, o, args) + table + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    static Report run(Path home, Options o) throws Exception {
        Sizes sizes = o.warmUp() ? Sizes.of(o.mode()) : Sizes.of(o.mode()).withoutWarmUp();
        Report report = new Report();
        for (int r = 0; r < o.repeat(); r++) {
            for (String system : o.systems()) {
                Path work = Files.createDirectories(o.work().resolve(system + "-" + r));
                System.err.println("== " + system + ", repeat " + (r + 1) + " of " + o.repeat() + " (" + work + ")");
                List<Path> data;
                try (BrokerCluster cluster = start(home, work, system, o.kayakConfig())) {
                    Thread stopOnExit = new Thread(cluster::close, "stop-" + system); // Ctrl-C stops the nodes too
                    Runtime.getRuntime().addShutdownHook(stopOnExit);
                    report.durability(system, cluster.durability());
                    report.add(system, runWorkloads(cluster, sizes, o.workloads()));
                    Runtime.getRuntime().removeShutdownHook(stopOnExit);
                    data = cluster.dataDirs();
                }
                // A full run writes several GB per cluster: keep the logs and configs, not the data.
                for (Path d : data) {
                    deleteTree(d);
                }
            }
        }
        return report;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static BrokerCluster start(Path home, Path work, String system, List<String> kayakConfig) {
        return switch (system) {
            case "kafka" -> KafkaProcesses.start(home, work);
            case "kayak" -> KayakProcesses.start(home, work, true, kayakConfig);
            case KayakProcesses.NO_FSYNC -> KayakProcesses.start(home, work, false, kayakConfig);
            default -> throw new IllegalArgumentException("unknown system " + system + "; one of " + SYSTEMS);
        };
    }

    /** One workload's run; may fail. */
    @FunctionalInterface
    interface Step {
        List<Figure> run() throws Exception;
    }

    /**
     * Runs a workload; a failure (a send that never got acknowledged, a cluster that stopped answering) is reported
     * on stderr and as a "run failed" figure, and the remaining workloads still run, so one failure does not cost
     * the figures of the whole run.
     */
    static void attempt(String workload, List<Figure> out, Step step) {
        try {
            out.addAll(step.run());
        } catch (Exception e) {
            System.err.println("workload '" + workload + "' failed: " + e);
            out.add(new Figure(workload, FAILED, 1, false));
        }
    }

    /**
     * Creates {@code topic}, runs the workload on it, then waits until the brokers are idle
     * ({@link Workloads#awaitIdle}), so that each workload runs beside no busy partition but its own. A Kayak
     * partition that took writes keeps its Raft group running (heartbeats, timers, threads) until it quiesces, a
     * minute later by default ({@code kayak.replication.quiesce.ms}): without the wait, the hundred partitions of the
     * throughput workload ran beside the fixed-rate workloads that followed and took their CPU (docs/BENCHMARKS.md,
     * session 11). The topic is kept, not deleted: deleting it freed its page cache, which the virtual machines these
     * figures come from hand back to their host, so the next workload paid a host page fault on every page it wrote
     * ({@link MachineMemory}; docs/BENCHMARKS.md, session 14).
     */
    static List<Figure> onFreshTopic(Workloads w, String topic, int partitions, Step step) throws Exception {
        List<Figure> figures = createThen(w, topic, partitions, step);
        w.awaitIdle();
        return figures;
    }

    private static List<Figure> createThen(Workloads w, String topic, int partitions, Step step) throws Exception {
        w.createTopic(topic, partitions);
        return step.run();
    }

    /** The figure recorded for a workload whose run failed. */
    static final String FAILED = "run failed (see stderr)";

    static List<Figure> runWorkloads(BrokerCluster cluster, Sizes s, List<String> chosen) {
        Workloads w = new Workloads(cluster, 1024);
        List<Figure> out = new ArrayList<>();
        int n = s.throughputRecords();
        if (s.warmUpRecords() > 0) {
            attempt(WARM_UP, out, () -> warmUp(cluster, w, s));
        }
        if (chosen.contains("produce") || chosen.contains("catchup")) {
            attempt("produce acks=all, 3 partitions", out, () -> onFreshTopic(w, "tput-3", 3,
                    () -> w.maxThroughput("produce acks=all, 3 partitions", "tput-3", "all", n)));
        }
        String many = s.manyPartitions() + " partitions";
        if (chosen.contains("produce")) {
            attempt("produce acks=all, " + many, out, () -> onFreshTopic(w, "tput-many", s.manyPartitions(),
                    () -> w.maxThroughput("produce acks=all, " + many, "tput-many", "all", n)));
        }
        if (chosen.contains("produce-acks1")) {
            attempt("produce acks=1, 3 partitions", out, () -> onFreshTopic(w, "tput1-3", 3,
                    () -> w.maxThroughput("produce acks=1, 3 partitions", "tput1-3", "1", n)));
            attempt("produce acks=1, " + many, out, () -> onFreshTopic(w, "tput1-many", s.manyPartitions(),
                    () -> w.maxThroughput("produce acks=1, " + many, "tput1-many", "1", n)));
        }
        if (chosen.contains("latency")) {
            for (int rate : s.rates()) {
                String name = "produce at " + rate + "/s, acks=all, 3 partitions";
                attempt(name, out, () -> onFreshTopic(w, "rate-" + rate, 3,
                        () -> w.fixedRate(name, "rate-" + rate, rate, s.rateSeconds())));
            }
        }
        if (chosen.contains("e2e")) {
            attempt("end-to-end, one record in flight", out, () -> onFreshTopic(w, "e2e", 1,
                    () -> w.endToEnd("end-to-end, one record in flight", "e2e", s.roundTrips())));
        }
        if (chosen.contains("catchup")) {
            String name = "consumer catch-up over the acks=all 3-partition data";
            attempt(name, out, () -> w.catchUp(name, "tput-3", 3, n + 3)); // + the touches
        }
        if (chosen.contains("failover")) { // last: it kills a node
            String name = "kill -9 of the node leading most partitions, " + s.failoverRate() + " records/s";
            attempt(name, out, () -> {
                w.createTopic("failover", 6);
                return new FailoverWorkload(cluster).run(name, "failover", 6, s.failoverRate(), s.failoverSeconds());
            });
        }
        return out;
    }

    /**
     * JIT compilation and first-use costs of both systems' code paths (and the client's) fall here rather than in
     * the measured workloads: rounds of producing to a fresh 3-partition topic and reading it back, until the
     * brokers' JIT compilers took under {@link #JIT_SETTLED_SHARE} of their CPU in {@link #JIT_SETTLED_ROUNDS} rounds
     * in a row and the page cache has filled the machine's memory ({@link MachineMemory#filled}), or the last round
     * allowed has run. The topics are kept (deleting them would hand their memory back to a virtual machine's host,
     * {@link MachineMemory}); the measured workloads start once the brokers are idle. Its figures (rounds, first and
     * last round's throughput, the JIT's share in the last round, free memory at the end) are reported in their own
     * row.
     */
    static List<Figure> warmUp(BrokerCluster cluster, Workloads w, Sizes s) throws Exception {
        double first = Double.NaN;
        double last = Double.NaN;
        double share = Double.NaN;
        List<Double> shares = new ArrayList<>();
        MachineMemory memory = MachineMemory.read();
        int round = 0;
        while (round < s.warmUpMaxRounds()) {
            String topic = "warm-up-" + round;
            round++;
            ProcessStats before = ProcessStats.of(cluster.pids());
            last = steadyRecordsPerSecond(createThen(w, topic, 3, () -> {
                List<Figure> produced = w.maxThroughput(WARM_UP, topic, "all", s.warmUpRecords());
                w.catchUp(WARM_UP, topic, 3, s.warmUpRecords() + 3);
                return produced;
            }));
            share = ProcessStats.of(cluster.pids()).minus(before).jitShare();
            shares.add(share);
            memory = MachineMemory.read();
            if (round == 1) {
                first = last;
            }
            System.err.printf("warm-up round %d: %.0f records/s, JIT compilers %.1f%% of broker CPU, %.1f%% of memory"
                    + " free%n", round, last, 100 * share, memory.freePercent());
            if (jitSettled(shares) && memory.filled()) {
                break;
            }
        }
        w.awaitIdle();
        return List.of(new Figure(WARM_UP, "rounds of " + s.warmUpRecords() + " records", round, false),
                new Figure(WARM_UP, "records/s, first round (cold)", first, true),
                new Figure(WARM_UP, "records/s, last round", last, true),
                new Figure(WARM_UP, "share of broker CPU in JIT compilers, last round, %", 100 * share, false),
                new Figure(WARM_UP, "free memory at the end, % of total", memory.freePercent(), false));
    }

    private static double steadyRecordsPerSecond(List<Figure> figures) {
        return figures.stream().filter(f -> f.metric().equals(Workloads.STEADY_RECORDS_PER_S)).findFirst()
                .orElseThrow().value();
    }

    private static String header(Path home, Options o, String[] args) {
        return "\n### Run of " + Instant.now() + " (" + o.mode() + ", " + o.repeat() + " repeat(s))\n\n"
                + "- command: `bin/kayak-compare.sh " + String.join(" ", args) + "`\n"
                + "- commit: " + commit(home) + "\n"
                + "- machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
                + System.getProperty("java.version") + "\n"
                + "- every broker JVM (both systems): `" + KayakProcesses.HEAP + " -XX:+UseG1GC`\n\n";
    }

    private static String commit(Path home) {
        try {
            Process p = new ProcessBuilder("git", "-C", home.toString(), "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? s : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }
}
