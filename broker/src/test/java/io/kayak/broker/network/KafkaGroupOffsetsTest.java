package io.kayak.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.replica.ReplicatedCluster;
import io.kayak.metadata.CommittedOffset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Committed offsets with real Kafka consumers: a group that stops and starts again resumes where it committed;
 * a new group starts at {@code auto.offset.reset}; and when the node coordinating a group crashes mid-stream,
 * the members find the new coordinator, keep consuming, and no committed offset ever goes backwards.
 */
@Tag("integration")
class KafkaGroupOffsetsTest extends ClusterTest {

    @Test
    void aRestartedGroupResumesAtItsCommittedOffsetsAndNewGroupsStartAtTheResetPolicy() throws Exception {
        cluster = ReplicatedCluster.started(tmp, KafkaConsumerGroupTest.GROUP_SETTINGS);
        cluster.createTopic("audit", 3, 3, Map.of());
        String bootstrap = cluster.bootstrap();
        KafkaConsumerGroupTest.produce(bootstrap, "audit", 3_000, 0);
        List<GroupConsumer> first = List.of(new GroupConsumer("r-0", bootstrap, "readers", "audit"),
                new GroupConsumer("r-1", bootstrap, "readers", "audit"));
        ReplicatedCluster.await("the first 3,000 records consumed", 60, () -> KafkaConsumerGroupTest.total(first) >= 3_000);
        KafkaConsumerGroupTest.closeAll(first);
        try (Admin admin = admin(bootstrap)) {
            Map<TopicPartition, Long> ends = endOffsets(admin, "audit", 3);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("readers")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            ends.forEach((tp, end) -> assertEquals(end, committed.get(tp).offset(), "committed " + tp));
        }

        Map<Integer, List<String>> more = KafkaConsumerGroupTest.produce(bootstrap, "audit", 1_500, 3_000);
        List<GroupConsumer> second = List.of(new GroupConsumer("r-2", bootstrap, "readers", "audit"));
        try {
            ReplicatedCluster.await("the 1,500 new records consumed", 60, () -> KafkaConsumerGroupTest.total(second) >= 1_500);
            KafkaConsumerGroupTest.closeAll(second);
            KafkaConsumerGroupTest.assertExactlyOnceInOrder(second, more); // nothing before the committed offsets
        } finally {
            KafkaConsumerGroupTest.closeAll(second);
        }

        assertEquals(4_500, readWithReset(bootstrap, "from-earliest", "earliest", 4_500).size());
        assertEquals(1_234, firstOffsetAfterSeek(bootstrap, new TopicPartition("audit", 1), 1_234));
        List<ConsumerRecord<String, String>> latest = readWithReset(bootstrap, "from-latest", "latest", 0);
        assertTrue(latest.isEmpty(), "a new group at latest skips the old records: got " + latest.size());
    }

    /** A group member seeks one of its partitions to {@code offset}: the next record it gets there is that one. */
    private long firstOffsetAfterSeek(String bootstrap, TopicPartition tp, long offset) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "seeker");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(tp.topic()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!c.assignment().contains(tp)) {
                c.poll(Duration.ofMillis(100));
                assertTrue(System.nanoTime() < deadline, "no assignment for the seeker");
            }
            c.seek(tp, offset);
            while (true) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                    if (r.partition() == tp.partition()) {
                        return r.offset();
                    }
                }
                assertTrue(System.nanoTime() < deadline, "nothing read after the seek");
            }
        }
    }

    /**
     * Subscribes a new group with {@code reset}; once it has its positions, produces 10 more records, and returns
     * everything it reads until it has {@code old} + 10 records.
     */
    private List<ConsumerRecord<String, String>> readWithReset(String bootstrap, String group, String reset, int old)
            throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of("audit"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (c.assignment().size() < 3) {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
                assertTrue(System.nanoTime() < deadline, "no assignment for " + group);
            }
            for (TopicPartition tp : c.assignment()) {
                c.position(tp, Duration.ofSeconds(30)); // positions are fixed before the new records exist
            }
            KafkaConsumerGroupTest.produce(bootstrap, "audit", 10, 100_000 + old);
            while (out.size() < old + 10) {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
                assertTrue(System.nanoTime() < deadline, group + " read " + out.size() + " of " + (old + 10));
            }
        }
        return out.stream().filter(r -> Integer.parseInt(r.value().substring("value-".length())) < 100_000).toList();
    }

    @Test
    void whenTheCoordinatorCrashesMembersMoveOnAndNoCommittedOffsetGoesBackwards() throws Exception {
        cluster = ReplicatedCluster.started(tmp, KafkaConsumerGroupTest.GROUP_SETTINGS);
        cluster.createTopic("stream", 6, 3, Map.of());
        String bootstrap = cluster.bootstrap();
        String group = "stream-readers";
        int coordinator = cluster.servers.get(1).groupCoordinator().coordinator(group);
        int observer = coordinator == 1 ? 2 : 1;

        List<String> regressions = new CopyOnWriteArrayList<>();
        Map<io.kayak.metadata.TopicPartition, Long> highest = new ConcurrentHashMap<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                var server = cluster.servers.get(observer);
                for (CommittedOffset o : server.metadata().image().offsets(group).values()) {
                    var tp = new io.kayak.metadata.TopicPartition(o.topic(), o.partition());
                    Long before = highest.put(tp, o.offset());
                    if (before != null && o.offset() < before) {
                        regressions.add(tp + " went from " + before + " to " + o.offset());
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }, "offset-sampler");
        sampler.start();

        List<GroupConsumer> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                members.add(new GroupConsumer("s-" + i, bootstrap, group, "stream"));
            }
            KafkaConsumerGroupTest.awaitBalanced(members, 6, "three members");
            Map<Integer, List<String>> sent = new HashMap<>(KafkaConsumerGroupTest.produce(bootstrap, "stream", 20_000, 0));
            ReplicatedCluster.await("a part of the stream consumed and committed", 60,
                    () -> KafkaConsumerGroupTest.total(members) >= 2_000 && !highest.isEmpty());
            int generation = members.get(0).generation();
            cluster.crash(coordinator);
            KafkaConsumerGroupTest.produce(cluster.bootstrap(), "stream", 10_000, 20_000)
                    .forEach((p, v) -> sent.computeIfAbsent(p, x -> new ArrayList<>()).addAll(v));
            ReplicatedCluster.await("every record consumed after the coordinator crashed", 120, () -> {
                java.util.Set<String> values = new java.util.HashSet<>();
                members.forEach(c -> c.received().forEach(r -> values.add(r.value())));
                return values.size() == 30_000;
            });
            ReplicatedCluster.await("the group committed the end of every partition", 60, () -> {
                long committed = highest.values().stream().mapToLong(Long::longValue).sum();
                return committed == 30_000;
            });
            int newCoordinator = cluster.servers.get(observer).groupCoordinator().coordinator(group);
            assertTrue(newCoordinator != coordinator && newCoordinator > 0, "a live node coordinates the group now");
            for (GroupConsumer c : members) {
                assertEquals(generation, c.generation(), c.name + " continued in the recorded generation: no rebalance");
            }
        } finally {
            KafkaConsumerGroupTest.closeAll(members);
            sampling.set(false);
            sampler.join(10_000);
        }
        assertEquals(List.of(), regressions, "committed offsets only move forward");
    }

    static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> q = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            q.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(q).all().get(30, TimeUnit.SECONDS).forEach((tp, r) -> out.put(tp, r.offset()));
        return out;
    }
}
