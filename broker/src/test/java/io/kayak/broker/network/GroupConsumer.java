package io.kayak.broker.network;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A real Kafka consumer subscribed as a group member, polling on its own thread (the consumer is single-threaded)
 * until stopped, optionally committing synchronously after every non-empty poll. What it received, owns and which
 * generation it is in can be read from any thread. Stopping it either leaves the group (a normal close) or not
 * (as if the process died: the coordinator must notice by the session timeout).
 */
final class GroupConsumer implements AutoCloseable {
    final String name;
    private final Properties props;
    private final String topic;
    private final boolean commitEachPoll;
    private final Thread thread;
    private final List<ConsumerRecord<String, String>> received = Collections.synchronizedList(new ArrayList<>());
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private volatile boolean leaveOnStop = true;
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile int generation = -1;

    GroupConsumer(String name, String bootstrap, String group, String instanceId, String topic, boolean commitEachPoll,
                  Properties extra) {
        this.name = name;
        this.topic = topic;
        this.commitEachPoll = commitEachPoll;
        props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "3000");
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300");
        if (instanceId != null) {
            props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        props.putAll(extra);
        thread = new Thread(this::run, "group-consumer-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    GroupConsumer(String name, String bootstrap, String group, String topic) {
        this(name, bootstrap, group, null, topic, true, new Properties());
    }

    private void run() {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            while (running) {
                try {
                    var records = c.poll(Duration.ofMillis(100));
                    records.forEach(received::add);
                    if (commitEachPoll && !records.isEmpty()) {
                        c.commitSync(Duration.ofSeconds(60));
                    }
                } catch (org.apache.kafka.common.errors.RebalanceInProgressException
                         | org.apache.kafka.clients.consumer.CommitFailedException e) {
                    errors.add(e); // the next poll rejoins; uncommitted records may come again
                }
                assignment = Set.copyOf(c.assignment());
                generation = c.groupMetadata().generationId();
            }
            c.close(CloseOptions.groupMembershipOperation(leaveOnStop ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
                    : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP).withTimeout(Duration.ofSeconds(10)));
        } catch (RuntimeException e) {
            errors.add(e);
        }
    }

    Set<TopicPartition> assignment() {
        return assignment;
    }

    int generation() {
        return generation;
    }

    List<ConsumerRecord<String, String>> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    int receivedCount() {
        return received.size();
    }

    /** Stops polling and closes; {@code leave} false stops like a killed process (no LeaveGroup). */
    void stop(boolean leave) throws InterruptedException {
        leaveOnStop = leave;
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (thread.isAlive()) {
            throw new AssertionError("consumer " + name + " did not stop within 30 s");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            stop(true);
        }
    }
}
