package io.kayak.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Fail-over under load: an idempotent acks=all producer sends numbered records at a fixed rate; a third of the way
 * in, the node leading the most partitions of the topic is killed with SIGKILL. Afterwards the topic is read back
 * and compared with what was acknowledged: the longest gap between two acknowledgements, and how many
 * acknowledged records are missing or present more than once (both must be 0).
 */
final class FailoverWorkload {
    private final BrokerCluster cluster;

    FailoverWorkload(BrokerCluster cluster) {
        this.cluster = cluster;
    }

    List<Figure> run(String name, String topic, int partitions, int perSecond, int seconds) throws Exception {
        int records = perSecond * seconds;
        long[] ackedAt = new long[records];
        Map<Integer, Boolean> acked = new ConcurrentHashMap<>();
        AtomicInteger failed = new AtomicInteger();
        long intervalNs = TimeUnit.SECONDS.toNanos(1) / perSecond;
        int victim = -1;
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < records; i++) {
                if (i == records / 3) {
                    victim = mostLeaders(topic);
                    ProcessHandle.of(cluster.pid(victim)).ifPresent(ProcessHandle::destroyForcibly);
                }
                long wait = start + i * intervalNs - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int n = i;
                producer.send(new ProducerRecord<>(topic, Integer.toString(n), Integer.toString(n)), (md, e) -> {
                    if (e == null) {
                        ackedAt[n] = System.nanoTime();
                        acked.put(n, true);
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
            producer.flush();
        }
        long[] times = acked.keySet().stream().mapToLong(n -> ackedAt[n]).sorted().toArray();
        long gapNs = 0;
        for (int i = 1; i < times.length; i++) {
            gapNs = Math.max(gapNs, times[i] - times[i - 1]);
        }
        Map<Integer, Integer> seen = readBack(topic, partitions, victim);
        long lost = acked.keySet().stream().filter(n -> !seen.containsKey(n)).count();
        long duplicated = seen.values().stream().filter(c -> c > 1).count();
        return List.of(new Figure(name, "longest gap between acks, ms", gapNs / 1e6, false),
                new Figure(name, "acknowledged records lost", lost, false),
                new Figure(name, "acknowledged records duplicated", duplicated, false),
                new Figure(name, "sends failed (not acknowledged)", failed.get(), false));
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** The node id leading the most partitions of {@code topic}. */
    private int mostLeaders(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            int[] counts = new int[4];
            d.partitions().forEach(p -> {
                if (p.leader() != null && p.leader().id() >= 1 && p.leader().id() <= 3) {
                    counts[p.leader().id()]++;
                }
            });
            int best = 1;
            for (int id = 2; id <= 3; id++) {
                best = counts[id] > counts[best] ? id : best;
            }
            return best;
        }
    }

    /** Every record of the topic by its number, with how often it appears; reads from the surviving nodes. */
    private Map<Integer, Integer> readBack(String topic, int partitions, int victim) {
        Properties c = new Properties();
        String survivors = String.join(",", Arrays.stream(cluster.bootstrap().split(","))
                .filter(b -> !b.equals(cluster.bootstrap().split(",")[victim - 1])).toList());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, survivors);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            tps.add(new TopicPartition(topic, i));
        }
        Map<Integer, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(60));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (tps.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(60)) < ends.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (!r.value().equals(Workloads.TOUCH)) {
                        seen.merge(Integer.parseInt(r.value()), 1, Integer::sum);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the fail-over topic back within 5 minutes");
                }
            }
        }
        return seen;
    }
}
