package io.kayak.broker.network;

import static io.kayak.broker.replica.ReplicatedCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.replica.ReplicatedCluster;
import io.kayak.metadata.PartitionImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Fail-over under a real Kafka producer (idempotent, acks=all): while it sends continuously, the node leading
 * most partitions crashes (its partition Raft traffic cut at once, its logs abandoned unflushed) and later
 * returns. Afterwards every acknowledged record is readable exactly once, in acknowledgement order per
 * partition, and the producer saw no error it could not recover from.
 */
@Tag("integration")
class KafkaProducerFailoverTest extends ClusterTest {
    private static final int PARTITIONS = 6;



    @Test
    void everyAcknowledgedRecordSurvivesTheLeadersCrashOnceAndInOrder() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of());
        cluster.createTopic("payments", PARTITIONS, 3, Map.of());
        String bootstrap = cluster.bootstrap();

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        Map<Integer, List<Integer>> ackedOrder = new ConcurrentHashMap<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        AtomicInteger acked = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        int[] sent = new int[1];
        Thread sender;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            sender = new Thread(() -> {
                for (int i = 0; running.get(); i++) {
                    int partition = i % PARTITIONS;
                    int n = i;
                    producer.send(new ProducerRecord<>("payments", partition, null, Integer.toString(n)), (md, e) -> {
                        if (e != null) {
                            failures.add(e);
                        } else {
                            ackedOrder.computeIfAbsent(md.partition(), p -> Collections.synchronizedList(new ArrayList<>())).add(n);
                            acked.incrementAndGet();
                        }
                    });
                    sent[0] = i + 1;
                    if (i % 200 == 199) {
                        producer.flush(); // keep the backlog bounded so the crash hits records in flight, not a queue
                    }
                }
            }, "test-producer");
            sender.start();
            await("records flowing", 60, () -> acked.get() >= 2_000 || !failures.isEmpty());

            Map<Integer, Long> leads = new HashMap<>();
            for (PartitionImage p : cluster.image().topic("payments").orElseThrow().partitions()) {
                leads.merge(p.leader(), 1L, Long::sum);
            }
            int victim = leads.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            int atCrash = acked.get();
            cluster.crash(victim);
            await("acknowledgements continue without node " + victim, 120,
                    () -> acked.get() >= atCrash + 2_000 || !failures.isEmpty());
            cluster.start(victim);
            await("node " + victim + " back in every ISR", 120, () -> cluster.everyImage(i -> i.topic("payments")
                    .orElseThrow().partitions().stream().allMatch(p -> p.isr().size() == 3)));
            int afterReturn = acked.get();
            await("acknowledgements continue after its return", 120,
                    () -> acked.get() >= afterReturn + 1_000 || !failures.isEmpty());
            running.set(false);
            sender.join(TimeUnit.SECONDS.toMillis(30));
            producer.flush();
        }
        assertEquals(List.of(), failures, "the producer recovered from everything");
        assertEquals(sent[0], acked.get(), "every record sent was acknowledged");

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<Integer, List<Integer>> read = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                all.add(new TopicPartition("payments", p));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            int count = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (count < acked.get() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    read.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(Integer.parseInt(r.value()));
                    count++;
                }
            }
        }
        for (int p = 0; p < PARTITIONS; p++) {
            assertEquals(ackedOrder.get(p), read.get(p), "partition " + p
                    + ": every acknowledged record once, in acknowledgement order, and nothing else");
        }
        assertTrue(acked.get() > 5_000);
    }

}
