package io.kayak.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.replica.ReplicatedCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Consumer groups with the real Kafka Java consumer against three in-process nodes: one group shares a topic's
 * partitions like a queue, several groups each see every record, and membership changes (joins, a member that
 * dies without leaving, more members than partitions, a static member restarting) move partitions the way Kafka
 * users expect.
 */
@Tag("integration")
class KafkaConsumerGroupTest extends ClusterTest {
    static final Map<String, String> GROUP_SETTINGS = Map.of("group.min.session.timeout.ms", "1000",
            "group.initial.rebalance.delay.ms", "200");

    @Test
    void oneGroupIsAQueueAndTwoGroupsAreAPublishSubscribe() throws Exception {
        cluster = ReplicatedCluster.started(tmp, GROUP_SETTINGS);
        cluster.createTopic("orders", 6, 3, Map.of());
        String bootstrap = cluster.bootstrap();
        List<GroupConsumer> queue = new ArrayList<>();
        List<GroupConsumer> audit = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                queue.add(new GroupConsumer("queue-" + i, bootstrap, "queue", "orders"));
            }
            for (int i = 0; i < 2; i++) {
                audit.add(new GroupConsumer("audit-" + i, bootstrap, "audit", "orders"));
            }
            ReplicatedCluster.await("three queue members with two partitions each", 60,
                    () -> queue.stream().allMatch(c -> c.assignment().size() == 2) && owned(queue).size() == 6);
            ReplicatedCluster.await("two audit members with three partitions each", 60,
                    () -> audit.stream().allMatch(c -> c.assignment().size() == 3) && owned(audit).size() == 6);

            Map<Integer, List<String>> sent = produce(bootstrap, "orders", 60_000, 0);
            ReplicatedCluster.await("both groups consumed 60,000 records", 120,
                    () -> total(queue) >= 60_000 && total(audit) >= 60_000);
            assertEquals(2, groupMetric("groups.Stable"), "two Stable groups across the coordinators");
            assertTrue(groupMetric("rebalances") >= 2, "each group rebalanced at least once");
            assertTrue(groupMetric("offset-commits") >= 12, "every partition's offset committed by both groups");
            for (GroupConsumer c : queue) {
                c.stop(true);
            }
            for (GroupConsumer c : audit) {
                c.stop(true);
            }
            assertExactlyOnceInOrder(queue, sent);
            assertExactlyOnceInOrder(audit, sent);
        } finally {
            closeAll(queue);
            closeAll(audit);
        }
    }

    @Test
    void membershipChangesMovePartitions() throws Exception {
        cluster = ReplicatedCluster.started(tmp, GROUP_SETTINGS);
        cluster.createTopic("jobs", 6, 3, Map.of());
        String bootstrap = cluster.bootstrap();
        List<GroupConsumer> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                members.add(new GroupConsumer("worker-" + i, bootstrap, "workers", "jobs"));
            }
            awaitBalanced(members, 6, "three members");

            members.add(new GroupConsumer("worker-3", bootstrap, "workers", "jobs"));
            awaitBalanced(members, 6, "a fourth member joined");

            GroupConsumer dead = members.remove(0);
            Set<TopicPartition> orphaned = dead.assignment();
            long killedAt = System.nanoTime();
            dead.stop(false);
            awaitBalanced(members, 6, "the partitions of a member that died without leaving moved");
            long movedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertTrue(movedAfterMs >= 2_000, "partitions " + orphaned + " moved after " + movedAfterMs
                    + " ms: before the 3 s session timeout could have expired");
            assertEquals(1, groupMetric("members-expired"), "the dead member's session expired; nobody else's did");

            for (int i = 4; i < 8; i++) {
                members.add(new GroupConsumer("worker-" + i, bootstrap, "workers", "jobs"));
            }
            ReplicatedCluster.await("seven members: six own one partition, one is idle", 60,
                    () -> owned(members).size() == 6 && members.stream().filter(c -> c.assignment().size() == 1).count() == 6
                            && members.stream().filter(c -> c.assignment().isEmpty()).count() == 1
                            && members.stream().map(GroupConsumer::generation).distinct().count() == 1);
        } finally {
            closeAll(members);
        }
    }

    @Test
    void aStaticMemberRestartingWithinItsSessionKeepsItsPartitionsWithoutARebalance() throws Exception {
        cluster = ReplicatedCluster.started(tmp, GROUP_SETTINGS);
        cluster.createTopic("ledger", 6, 3, Map.of());
        String bootstrap = cluster.bootstrap();
        Properties longSession = new Properties();
        longSession.put("session.timeout.ms", "20000");
        List<GroupConsumer> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                members.add(new GroupConsumer("static-" + i, bootstrap, "statics", "instance-" + i, "ledger", true, longSession));
            }
            awaitBalanced(members, 6, "three static members");
            int generation = members.get(0).generation();
            Map<String, Set<TopicPartition>> before = new HashMap<>();
            members.forEach(c -> before.put(c.name, c.assignment()));

            GroupConsumer restarted = members.get(1);
            restarted.stop(false);
            GroupConsumer back = new GroupConsumer("static-1-again", bootstrap, "statics", "instance-1", "ledger", true, longSession);
            members.set(1, back);
            ReplicatedCluster.await("the restarted static member has its partitions", 60, () -> !back.assignment().isEmpty());
            assertEquals(before.get("static-1"), back.assignment(), "same partitions after the restart");
            assertEquals(generation, back.generation(), "no rebalance: the same generation");
            assertEquals(before.get("static-0"), members.get(0).assignment());
            assertEquals(before.get("static-2"), members.get(2).assignment());
            assertEquals(generation, members.get(0).generation());
            assertEquals(generation, members.get(2).generation());
        } finally {
            closeAll(members);
        }
    }

    /** A {@code kayak.group.} metric summed over the nodes: a gauge's value or a meter's count. */
    private long groupMetric(String name) {
        long sum = 0;
        for (var server : cluster.servers.values()) {
            var registry = server.metricRegistry();
            var gauge = registry.getGauges().get("kayak.group." + name);
            var meter = registry.getMeters().get("kayak.group." + name);
            sum += gauge != null ? ((Number) gauge.getValue()).longValue() : meter.getCount();
        }
        return sum;
    }

    static void awaitBalanced(List<GroupConsumer> members, int partitions, String what) {
        int n = members.size();
        ReplicatedCluster.await(what + ": " + partitions + " partitions spread over " + n + " members", 60, () -> {
            List<Integer> sizes = members.stream().map(c -> c.assignment().size()).toList();
            int sum = sizes.stream().mapToInt(Integer::intValue).sum();
            int min = partitions / n;
            return sum == partitions && owned(members).size() == partitions
                    && sizes.stream().allMatch(s -> s == min || s == min + 1)
                    && members.stream().map(GroupConsumer::generation).distinct().count() == 1;
        });
    }

    static Set<TopicPartition> owned(List<GroupConsumer> members) {
        Set<TopicPartition> all = new HashSet<>();
        members.forEach(c -> all.addAll(c.assignment()));
        return all;
    }

    static int total(List<GroupConsumer> members) {
        return members.stream().mapToInt(GroupConsumer::receivedCount).sum();
    }

    static void closeAll(List<GroupConsumer> members) throws InterruptedException {
        for (GroupConsumer c : members) {
            c.close();
        }
    }

    /** Sends {@code count} keyed records (values numbered from {@code first}); returns the values per partition in offset order. */
    static Map<Integer, List<String>> produce(String bootstrap, String topic, int count, int first) throws Exception {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        Map<Integer, List<String>> sent = new HashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> acks = new ArrayList<>();
            for (int i = first; i < first + count; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, "key-" + (i % 997), "value-" + i)));
            }
            for (int i = 0; i < count; i++) {
                var md = acks.get(i).get(60, TimeUnit.SECONDS);
                sent.computeIfAbsent(md.partition(), p -> new ArrayList<>()).add("value-" + (first + i));
            }
        }
        return sent;
    }

    /** Every sent record was received exactly once by the group, each partition's records in offset order. */
    static void assertExactlyOnceInOrder(List<GroupConsumer> group, Map<Integer, List<String>> sent) {
        Map<Integer, List<String>> got = new HashMap<>();
        for (GroupConsumer c : group) {
            for (ConsumerRecord<String, String> r : c.received()) {
                got.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value());
            }
        }
        assertEquals(sent.keySet(), got.keySet());
        sent.forEach((p, values) -> assertEquals(values, got.get(p), "partition " + p + ": every record once, in order"));
    }
}
