package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Traffic against a consumer group for the multi-process tests, each part on its own daemon thread: group members
 * that commit after every poll, a producer writing numbered records, and a sampler of the group's committed
 * offsets that notices any going backwards. Each part is stopped by its owner (close joins its thread).
 */
final class GroupTraffic {
    private GroupTraffic() {
    }

    /** A group member on its own thread: subscribes, polls, remembers every value it got, commits after each poll. */
    static final class Reader implements AutoCloseable {
        final String name;
        final Set<String> values = ConcurrentHashMap.newKeySet();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final Properties props = new Properties();
        private final String topic;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Reader(String bootstrap, String group, String topic, String name) {
            this.name = name;
            this.topic = topic;
            props.put("bootstrap.servers", bootstrap);
            props.put("group.id", group);
            props.put("client.id", name);
            props.put("enable.auto.commit", "false");
            props.put("auto.offset.reset", "earliest");
            props.put("request.timeout.ms", "5000");
            thread = new Thread(this::run, "group-reader-" + name);
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                while (running.get()) {
                    var records = consumer.poll(Duration.ofMillis(200));
                    records.forEach(r -> values.add(r.value()));
                    if (records.isEmpty()) {
                        continue;
                    }
                    try {
                        consumer.commitSync(Duration.ofSeconds(60));
                    } catch (RebalanceInProgressException | CommitFailedException e) {
                        // the group is rebalancing: the next poll rejoins, uncommitted records come again
                    }
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        }

        void stop() {
            running.set(false);
            try {
                thread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertTrue(!thread.isAlive(), name + " did not stop");
        }

        @Override
        public void close() {
            if (thread.isAlive()) {
                stop();
            }
        }
    }

    /** An idempotent acks=all producer on its own thread writing "0", "1", ... round-robin over the partitions. */
    static final class Writer implements AutoCloseable {
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        final List<Exception> failures = new CopyOnWriteArrayList<>();
        private final KafkaProducer<String, String> producer;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Writer(String bootstrap, String topic, int partitions) {
            Properties pp = new Properties();
            pp.put("bootstrap.servers", bootstrap);
            pp.put("acks", "all");
            pp.put("linger.ms", "5");
            pp.put("request.timeout.ms", "5000");
            pp.put("delivery.timeout.ms", "120000");
            producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
            thread = new Thread(() -> {
                for (int i = 0; running.get(); i++) {
                    String value = Integer.toString(i);
                    producer.send(new ProducerRecord<>(topic, i % partitions, null, value), (md, e) -> {
                        if (e != null) {
                            failures.add(e);
                        } else {
                            acked.add(value);
                        }
                    });
                    if (i % 100 == 99) {
                        producer.flush(); // at most 100 records in flight: the readers keep up
                    }
                }
            }, "topic-writer");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stopAndFlush() throws InterruptedException {
            running.set(false);
            thread.join(60_000);
            assertTrue(!thread.isAlive(), "the writer did not stop");
            producer.flush();
        }

        @Override
        public void close() throws InterruptedException {
            if (thread.isAlive()) {
                stopAndFlush();
            }
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** Samples the group's committed offsets through the AdminClient and records any that went backwards. */
    static final class OffsetSampler implements AutoCloseable {
        final List<String> regressions = new CopyOnWriteArrayList<>();
        private final Map<TopicPartition, Long> highest = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        OffsetSampler(Admin admin, String group) {
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                                .forEach((tp, o) -> {
                                    Long before = highest.put(tp, o.offset());
                                    if (before != null && o.offset() < before) {
                                        regressions.add(tp + " went from " + before + " to " + o.offset());
                                    }
                                });
                    } catch (ExecutionException | TimeoutException e) {
                        // the coordinator is moving: sample again
                    } catch (InterruptedException e) {
                        return;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }, "offset-sampler");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        long committedSum() {
            return highest.values().stream().mapToLong(Long::longValue).sum();
        }

        Map<TopicPartition, Long> committed() {
            return Map.copyOf(highest);
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
