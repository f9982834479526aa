package io.kayak.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The client workloads, each run the same way against either system with the same kafka-clients: a driver on
 * the Java producer and consumer (the figures of Kafka's ProducerPerformance / ConsumerPerformance /
 * EndToEndLatency, measured in-process so nothing is parsed from another tool's output). Broker CPU, disk
 * writes and peak memory come from {@link ProcessStats} around each workload.
 */
final class Workloads {
    /** The first share of a throughput run is warm-up, reported apart from the steady rest. */
    static final double WARM_UP_SHARE = 0.2;
    /** The metric of a throughput run's steady records per second. */
    static final String STEADY_RECORDS_PER_S = "records/s, steady";

    private final BrokerCluster cluster;
    private final int recordBytes;

    Workloads(BrokerCluster cluster, int recordBytes) {
        this.cluster = cluster;
        this.recordBytes = recordBytes;
    }

    /** Creates a topic with replication factor 3 and waits until every partition has a leader and a full ISR. */
    void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 3))).all().get(120, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                try {
                    var d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
                    if (d.partitions().size() == partitions && d.partitions().stream()
                            .allMatch(p -> p.leader() != null && !p.leader().isEmpty() && p.isr().size() == 3)) {
                        touch(topic, partitions);
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    // not known everywhere yet
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
            throw new IllegalStateException(topic + ": not every partition had a leader and 3 in-sync replicas in 120 s");
        }
    }

    /** The brokers count as idle once their CPU over {@link #IDLE_WINDOW_MS} is under this many cores (three nodes). */
    static final double IDLE_CORES = 0.10;
    static final long IDLE_WINDOW_MS = 2_000;
    /** How long {@link #awaitIdle} waits at most: a Kayak partition quiesces a minute after its last write. */
    static final long IDLE_DEADLINE_MS = 120_000;

    /**
     * Waits until the brokers' CPU over a window of {@link #IDLE_WINDOW_MS} falls under {@link #IDLE_CORES}: the
     * partitions a workload wrote to have gone quiet (a Kayak partition's Raft group quiesces, a Kafka broker finishes
     * its background work). Past {@link #IDLE_DEADLINE_MS} it says so on stderr and returns anyway.
     */
    void awaitIdle() {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(IDLE_DEADLINE_MS);
        while (true) {
            ProcessStats before = ProcessStats.of(cluster.pids());
            long windowStart = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(IDLE_WINDOW_MS));
            long windowNs = System.nanoTime() - windowStart;
            double cores = ProcessStats.of(cluster.pids()).minus(before).cpuMs() / (windowNs / 1e6);
            if (cores < IDLE_CORES) {
                System.err.printf("brokers idle after %.0f s (%.2f cores)%n", (System.nanoTime() - start) / 1e9, cores);
                return;
            }
            if (System.nanoTime() > deadline) {
                System.err.printf("brokers still use %.2f cores after %d s; going on%n", cores, IDLE_DEADLINE_MS / 1000);
                return;
            }
        }
    }

    /** The value of the one record {@link #touch} writes to each partition before a workload starts. */
    static final String TOUCH = "touch";

    /**
     * Writes one record to every partition with a non-idempotent producer, retrying until each leader takes it.
     * Apache Kafka up to 4.1 accepts any first sequence from an idempotent producer on a partition without producer
     * state, so a first request refused while the new leader is still applying the topic leaves the retried batch
     * out of order for good (KAFKA-14359, fixed after 4.1): measured producers start only once every leader
     * serves.
     */
    private void touch(String topic, int partitions) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, i, null, TOUCH.getBytes())));
            }
            for (var a : acks) {
                a.get(120, TimeUnit.SECONDS);
            }
        }
    }

    private KafkaProducer<byte[], byte[]> producer(String acks) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, acks);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** As many records as the cluster takes: throughput (warm-up and steady), ack latency, cost per byte. */
    List<Figure> maxThroughput(String name, String topic, String acks, int records) throws Exception {
        byte[] value = new byte[recordBytes];
        long[] sentAt = new long[records];
        long[] ackedAt = new long[records];
        AtomicInteger acked = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        ProcessStats before = ProcessStats.of(cluster.pids());
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(acks)) {
            for (int i = 0; i < records; i++) {
                int n = i;
                sentAt[n] = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, value), (md, e) -> {
                    ackedAt[n] = System.nanoTime();
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    acked.incrementAndGet();
                });
            }
            producer.flush();
        }
        long wallNs = System.nanoTime() - start;
        ProcessStats used = ProcessStats.of(cluster.pids()).minus(before);
        if (failure.get() != null) {
            throw new IllegalStateException(name + ": a send failed", failure.get());
        }
        long[] ackOrder = ackedAt.clone();
        java.util.Arrays.sort(ackOrder);
        int warm = (int) (records * WARM_UP_SHARE);
        double warmS = (ackOrder[warm] - start) / 1e9;
        double steadyS = (ackOrder[records - 1] - ackOrder[warm]) / 1e9;
        long[] latency = new long[records];
        for (int i = 0; i < records; i++) {
            latency[i] = ackedAt[i] - sentAt[i];
        }
        Percentiles p = new Percentiles(latency, records);
        double mb = (double) recordBytes / (1 << 20);
        List<Figure> out = new ArrayList<>();
        out.add(new Figure(name, "records/s, warm-up", warm / warmS, true));
        out.add(new Figure(name, STEADY_RECORDS_PER_S, (records - warm) / steadyS, true));
        out.add(new Figure(name, "MB/s, steady", (records - warm) * mb / steadyS, true));
        out.add(new Figure(name, "ack latency p50 ms", p.ms(50), false));
        out.add(new Figure(name, "ack latency p99 ms", p.ms(99), false));
        out.addAll(cost(name, used, wallNs, (long) records * recordBytes));
        return out;
    }

    /** Broker CPU (cores busy, summed over the three nodes), disk bytes per produced byte, peak RSS. */
    private static List<Figure> cost(String name, ProcessStats used, long wallNs, long producedBytes) {
        List<Figure> out = new ArrayList<>();
        out.add(new Figure(name, "broker CPU, cores (3 nodes)", used.cpuMs() / (wallNs / 1e6), false));
        out.add(new Figure(name, "share of broker CPU in JIT compilers, %", 100 * used.jitShare(), false));
        if (producedBytes > 0) {
            out.add(new Figure(name, "disk bytes written / byte produced (3 nodes)",
                    (double) used.writeBytes() / producedBytes, false));
        }
        out.add(new Figure(name, "broker peak RSS, MiB (3 nodes)", used.peakRssBytes() / (double) (1 << 20), false));
        return out;
    }

    /** A fixed offered rate for {@code seconds}: the latency percentiles a producer sees below saturation. */
    List<Figure> fixedRate(String name, String topic, int perSecond, int seconds) throws Exception {
        int records = perSecond * seconds;
        byte[] value = new byte[recordBytes];
        long[] latency = new long[records];
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        ProcessStats before = ProcessStats.of(cluster.pids());
        long start = System.nanoTime();
        long intervalNs = TimeUnit.SECONDS.toNanos(1) / perSecond;
        try (KafkaProducer<byte[], byte[]> producer = producer("all")) {
            for (int i = 0; i < records; i++) {
                long due = start + i * intervalNs;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int n = i;
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, value), (md, e) -> {
                    latency[n] = System.nanoTime() - sent;
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    done.incrementAndGet();
                });
            }
            producer.flush();
        }
        long wallNs = System.nanoTime() - start;
        ProcessStats used = ProcessStats.of(cluster.pids()).minus(before);
        if (failure.get() != null) {
            throw new IllegalStateException(name + ": a send failed", failure.get());
        }
        Percentiles p = new Percentiles(latency, records);
        List<Figure> out = new ArrayList<>();
        out.add(new Figure(name, "records/s achieved", records / (wallNs / 1e9), true));
        out.add(new Figure(name, "ack latency p50 ms", p.ms(50), false));
        out.add(new Figure(name, "ack latency p99 ms", p.ms(99), false));
        out.add(new Figure(name, "ack latency p99.9 ms", p.ms(99.9), false));
        out.addAll(cost(name, used, wallNs, (long) records * recordBytes));
        return out;
    }

    /** One record in flight: send (acks=all), wait until a consumer of the partition has it; repeat. */
    List<Figure> endToEnd(String name, String topic, int records) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        long[] latency = new long[records];
        try (KafkaProducer<byte[], byte[]> producer = producer("all");
             KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp, Duration.ofSeconds(60));
            byte[] value = new byte[recordBytes];
            for (int i = 0; i < records; i++) {
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, 0, null, value)).get(60, TimeUnit.SECONDS);
                long deadline = sent + TimeUnit.SECONDS.toNanos(60);
                while (consumer.poll(Duration.ofMillis(500)).isEmpty()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(name + ": record " + i + " not consumed within 60 s");
                    }
                }
                latency[i] = System.nanoTime() - sent;
            }
        }
        Percentiles p = new Percentiles(latency, records);
        return List.of(new Figure(name, "end-to-end p50 ms", p.ms(50), false),
                new Figure(name, "end-to-end p99 ms", p.ms(99), false));
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Reads a whole topic from the beginning with one consumer (manual assignment): catch-up throughput. */
    List<Figure> catchUp(String name, String topic, int partitions, long records) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            tps.add(new TopicPartition(topic, i));
        }
        long bytes = 0;
        long read = 0;
        ProcessStats before = ProcessStats.of(cluster.pids());
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = start + TimeUnit.MINUTES.toNanos(10);
            while (read < records) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    read++;
                    bytes += r.serializedValueSize();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": read " + read + " of " + records + " in 10 minutes");
                }
            }
        }
        long wallNs = System.nanoTime() - start;
        ProcessStats used = ProcessStats.of(cluster.pids()).minus(before);
        List<Figure> out = new ArrayList<>();
        out.add(new Figure(name, "records/s", read / (wallNs / 1e9), true));
        out.add(new Figure(name, "MB/s", bytes / (double) (1 << 20) / (wallNs / 1e9), true));
        out.add(new Figure(name, "broker CPU, cores (3 nodes)", used.cpuMs() / (wallNs / 1e6), false));
        return out;
    }
}
