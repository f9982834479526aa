package io.kayak.broker.network;

import static io.kayak.broker.replica.ReplicatedCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kayak.broker.KayakServer;
import io.kayak.broker.replica.ReplicatedCluster;
import io.kayak.network.service.EpochEndOffset;
import io.kayak.network.service.PartitionError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A consumer across leader changes, validating its position with OffsetForLeaderEpoch each time (KIP-320): it
 * reads, the partition's leader is killed, it keeps reading from the new leader, the old one returns and takes
 * leadership back by a Raft transfer, it keeps reading. With {@code auto.offset.reset=none} a wrong epoch end
 * would surface as a truncation error or a reset; every record arrives exactly once, in order, and the records'
 * leader epochs rise with each leader.
 */
@Tag("integration")
class KafkaConsumerFailoverTest extends ClusterTest {
    private static final int PER_PHASE = 300;
    private static final String TOPIC = "epochs";

    @Test
    void aConsumerFollowsLeaderChangesWithoutLosingOrRepeatingRecords() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of("auto.leader.rebalance.enable", "false"));
        cluster.createTopic(TOPIC, 1, 3, Map.of());
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            produce(producer, 0);
            consume(consumer, read, PER_PHASE);

            int first = leader();
            cluster.crash(first);
            await("a new leader", 60, () -> cluster.everyImage(i -> {
                int l = i.topic(TOPIC).orElseThrow().partitions().get(0).leader();
                return l >= 0 && l != first;
            }));
            produce(producer, 1);
            consume(consumer, read, 2 * PER_PHASE);

            cluster.start(first);
            await("node " + first + " caught up", 60, () -> cluster.servers.get(first).replicaManager() != null
                    && cluster.servers.get(first).replicaManager().log(new io.kayak.metadata.TopicPartition(TOPIC, 0))
                    .map(l -> l.logEndOffset() == 2 * PER_PHASE).orElse(false));
            assertTrue(cluster.servers.get(leader()).replicaManager()
                    .transferLeadership(new io.kayak.metadata.TopicPartition(TOPIC, 0), first, 10_000).get(30, TimeUnit.SECONDS),
                    "leadership handed back to node " + first);
            await("node " + first + " leads again", 60, () -> cluster.everyImage(i ->
                    i.topic(TOPIC).orElseThrow().partitions().get(0).leader() == first));
            produce(producer, 2);
            consume(consumer, read, 3 * PER_PHASE);
        }
        assertEquals(IntStream.range(0, 3 * PER_PHASE).mapToObj(Integer::toString).toList(),
                read.stream().map(ConsumerRecord::value).toList(), "every record once, in order");
        int[] epochs = IntStream.range(0, 3).map(phase -> read.get(phase * PER_PHASE).leaderEpoch().orElse(-1)).toArray();
        for (int phase = 0; phase < 3; phase++) {
            for (ConsumerRecord<String, String> r : read.subList(phase * PER_PHASE, (phase + 1) * PER_PHASE)) {
                assertEquals(epochs[phase], r.leaderEpoch().orElse(-1), "record " + r.value() + " carries its leader's epoch");
            }
        }
        assertTrue(epochs[0] >= 1 && epochs[0] < epochs[1] && epochs[1] < epochs[2], "epochs rise with each leader: "
                + java.util.Arrays.toString(epochs));
        assertEpochEnds(epochs);
        assertListedEpochs(epochs, read.get(PER_PHASE).timestamp());
        long validations = cluster.servers.values().stream().mapToLong(KafkaConsumerFailoverTest::offsetForLeaderEpochRequests).sum();
        assertTrue(validations > 0, "the consumer validated its position with OffsetForLeaderEpoch");
    }

    /** The leader's answers for each epoch, and its checks of the client's current epoch; a follower refuses. */
    private void assertEpochEnds(int[] epochs) {
        await("the epoch is published", 60, () -> cluster.partition(TOPIC, 0).orElseThrow().leaderEpoch() == epochs[2]);
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(TOPIC, 0);
        io.kayak.network.service.PartitionService leader = cluster.servers.get(leader()).partitionService();
        int term = epochs[2];
        assertEquals(new EpochEndOffset(PartitionError.NONE, epochs[0], PER_PHASE, -1), leader.endOffsetForEpoch(tp, term, epochs[0]));
        assertEquals(new EpochEndOffset(PartitionError.NONE, epochs[0], PER_PHASE, -1),
                leader.endOffsetForEpoch(tp, term, epochs[1] - 1), "an epoch without records ends where the next begins");
        assertEquals(new EpochEndOffset(PartitionError.NONE, epochs[1], 2 * PER_PHASE, -1), leader.endOffsetForEpoch(tp, term, epochs[1]));
        assertEquals(new EpochEndOffset(PartitionError.NONE, term, 3 * PER_PHASE, -1), leader.endOffsetForEpoch(tp, term, term));
        assertEquals(PartitionError.FENCED_LEADER_EPOCH, leader.endOffsetForEpoch(tp, term - 1, epochs[0]).error());
        assertEquals(PartitionError.UNKNOWN_LEADER_EPOCH, leader.endOffsetForEpoch(tp, term + 1, epochs[0]).error());
        int follower = cluster.servers.keySet().stream().filter(id -> id != leader()).findFirst().orElseThrow();
        assertEquals(PartitionError.NOT_LEADER, cluster.servers.get(follower).partitionService().endOffsetForEpoch(tp, term, term).error());
    }

    /** ListOffsets gives the epoch of the batch found; the latest offset the current one. */
    private void assertListedEpochs(int[] epochs, long secondPhaseTimestamp) throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        try (Admin admin = Admin.create(ap)) {
            ListOffsetsResult.ListOffsetsResultInfo earliest = listed(admin, tp, OffsetSpec.earliest());
            assertEquals(0, earliest.offset());
            assertEquals(java.util.Optional.of(epochs[0]), earliest.leaderEpoch());
            ListOffsetsResult.ListOffsetsResultInfo latest = listed(admin, tp, OffsetSpec.latest());
            assertEquals(3 * PER_PHASE, latest.offset());
            assertEquals(java.util.Optional.of(epochs[2]), latest.leaderEpoch());
            ListOffsetsResult.ListOffsetsResultInfo byTime = listed(admin, tp, OffsetSpec.forTimestamp(secondPhaseTimestamp));
            assertTrue(byTime.offset() >= PER_PHASE && byTime.offset() < 2 * PER_PHASE, "found " + byTime.offset());
            assertEquals(java.util.Optional.of(epochs[1]), byTime.leaderEpoch());
        }
    }

    private static ListOffsetsResult.ListOffsetsResultInfo listed(Admin admin, TopicPartition tp, OffsetSpec spec)
            throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get(30, TimeUnit.SECONDS);
    }

    private int leader() {
        return cluster.partition(TOPIC, 0).orElseThrow().leader();
    }

    private static long offsetForLeaderEpochRequests(KayakServer s) {
        com.codahale.metrics.Meter m = s.metricRegistry().getMeters().get("kayak.request.OffsetForLeaderEpoch.requests");
        return m == null ? 0 : m.getCount();
    }

    private static void produce(KafkaProducer<String, String> producer, int phase) throws Exception {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (int i = phase * PER_PHASE; i < (phase + 1) * PER_PHASE; i++) {
            acks.add(producer.send(new ProducerRecord<>(TOPIC, 0, null, Integer.toString(i))));
        }
        for (java.util.concurrent.Future<?> f : acks) {
            f.get(120, TimeUnit.SECONDS);
        }
    }

    private static void consume(KafkaConsumer<String, String> consumer, List<ConsumerRecord<String, String>> read, int until) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (read.size() < until) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                read.add(r);
            }
            if (System.nanoTime() > deadline) {
                fail("read " + read.size() + " of " + until + " records within 120 s");
            }
        }
    }
}
