package io.kayak.admin;

import static io.kayak.admin.KafkaOptions.fields;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code consume}: the console consumer. Without {@code --group} it reads every partition of the topic by manual
 * assignment and commits nothing; with it, it joins the group and commits what it printed after each poll and at
 * the end. Records print one per line (value, optionally preceded by partition, offset and key, tab-separated),
 * or as one JSON object per line with {@code --json}. Ends after {@code --max-messages} records or
 * {@code --timeout-ms} without one; otherwise runs until interrupted.
 */
@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the records of a topic, one per line.",
        footer = {"", "Examples:", "  kayak-admin.sh consume --topic orders --from-beginning --max-messages 10",
                "  kayak-admin.sh consume --topic orders --group billing --print-key --print-offset --print-partition",
                "  kayak-admin.sh consume --topic orders --from-beginning --timeout-ms 5000 --json"})
final class ConsumeCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", required = true, description = "the topic to read")
    String topic;

    @Option(names = "--group", description = "consume as a member of this group and commit the offsets printed")
    String group;

    @Option(names = "--from-beginning", description = "start at the log start where there is no committed offset (default: the log end)")
    boolean fromBeginning;

    @Option(names = "--max-messages", paramLabel = "N", description = "stop after N records")
    Long maxMessages;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "stop when no record arrived for MS milliseconds")
    Long timeoutMs;

    @Option(names = "--print-key", description = "print each record's key")
    boolean printKey;

    @Option(names = "--print-offset", description = "print each record's offset")
    boolean printOffset;

    @Option(names = "--print-partition", description = "print each record's partition")
    boolean printPartition;

    @Override
    public Integer call() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServer);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, KafkaOptions.REQUEST_TIMEOUT_MS);
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, KafkaOptions.API_TIMEOUT_MS);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "kayak-admin-consumer");
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            start(consumer);
            consume(consumer);
        } catch (KafkaException e) {
            throw kafka.explain(e, "consuming " + topic);
        }
        return 0;
    }

    private void start(KafkaConsumer<String, String> consumer) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty()) {
            throw new CommandFailedException("topic " + topic + " does not exist (list the topics with `kayak-admin.sh topics list`)");
        }
        if (group != null) {
            consumer.subscribe(List.of(topic));
            return;
        }
        List<TopicPartition> all = partitions.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(all);
        if (fromBeginning) {
            consumer.seekToBeginning(all);
        } else {
            consumer.seekToEnd(all);
        }
    }

    private void consume(KafkaConsumer<String, String> consumer) {
        long printed = 0;
        long lastRecordNanos = System.nanoTime();
        while (maxMessages == null || printed < maxMessages) {
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                print(r);
                done.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                lastRecordNanos = System.nanoTime();
                if (++printed == (maxMessages == null ? -1 : maxMessages)) {
                    break;
                }
            }
            if (group != null && !done.isEmpty()) {
                consumer.commitSync(done);
            }
            if (timeoutMs != null && System.nanoTime() - lastRecordNanos > TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
                break;
            }
        }
        kafka.out().flush();
        kafka.err().println("Consumed " + printed + " record(s).");
        kafka.err().flush();
    }

    private void print(ConsumerRecord<String, String> r) {
        if (kafka.json) {
            kafka.out().println(Output.json(fields("partition", r.partition(), "offset", r.offset(), "timestamp", r.timestamp(),
                    "key", r.key(), "value", r.value())));
            return;
        }
        StringBuilder line = new StringBuilder();
        if (printPartition) {
            line.append("Partition:").append(r.partition()).append('\t');
        }
        if (printOffset) {
            line.append("Offset:").append(r.offset()).append('\t');
        }
        if (printKey) {
            line.append(r.key() == null ? "null" : r.key()).append('\t');
        }
        kafka.out().println(line.append(r.value()));
    }
}
