package io.kayak.admin;

import static io.kayak.admin.KafkaOptions.fields;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code perf produce|consume}: load generators on kafka-clients, in the manner of kafka-producer-perf-test and
 * kafka-consumer-perf-test. While they run, a progress line goes to stderr every {@code --reporting-interval-ms}
 * (what the last interval did); at the end a summary goes to stdout (a line, or JSON with {@code --json}). Both
 * check first that the topic exists. The progress thread only reads the counters, under their lock.
 */
@Command(name = "perf", mixinStandardHelpOptions = true, description = "Generate load and measure throughput and latency.",
        subcommands = {PerfCommand.Produce.class, PerfCommand.Consume.class})
final class PerfCommand {
    static final double MB = 1024 * 1024;

    private PerfCommand() {
    }

    /** Counters one load generator updates and its progress reporter reads; the window restarts at every report. */
    static final class Meter {
        private final long startNanos = System.nanoTime();
        private long records;
        private long bytes;
        private long windowStartNanos = startNanos;
        private long windowRecords;
        private long windowBytes;
        private final LatencyHistogram latency = new LatencyHistogram();
        private final LatencyHistogram windowLatency = new LatencyHistogram();

        synchronized void record(long size, long latencyMicros) {
            records++;
            bytes += size;
            windowRecords++;
            windowBytes += size;
            if (latencyMicros >= 0) {
                latency.record(latencyMicros);
                windowLatency.record(latencyMicros);
            }
        }

        synchronized long records() {
            return records;
        }

        /** The progress line of the window since the last one, which this starts anew. */
        synchronized String window(String verb, boolean withLatency) {
            long now = System.nanoTime();
            double seconds = Math.max(1e-9, (now - windowStartNanos) / 1e9);
            String line = String.format(java.util.Locale.ROOT, "%d records %s, %.1f records/s (%.2f MB/s)%s", windowRecords, verb,
                    windowRecords / seconds, windowBytes / MB / seconds, withLatency ? String.format(java.util.Locale.ROOT,
                            ", %.1f ms avg latency, %.1f ms max latency", windowLatency.meanMicros() / 1000.0,
                            windowLatency.maxMicros() / 1000.0) : "");
            windowStartNanos = now;
            windowRecords = 0;
            windowBytes = 0;
            windowLatency.reset();
            return line;
        }

        /** The totals since the start, as result fields. */
        synchronized Map<String, Object> summary(boolean withLatency) {
            long elapsedNanos = System.nanoTime() - startNanos;
            double seconds = Math.max(1e-9, elapsedNanos / 1e9);
            Map<String, Object> m = fields("records", records, "bytes", bytes, "elapsedMs", TimeUnit.NANOSECONDS.toMillis(elapsedNanos),
                    "recordsPerSec", round(records / seconds), "mbPerSec", round(bytes / MB / seconds));
            if (withLatency) {
                m.put("avgLatencyMs", round(latency.meanMicros() / 1000.0));
                m.put("maxLatencyMs", round(latency.maxMicros() / 1000.0));
                m.put("p50LatencyMs", round(latency.percentileMicros(0.50) / 1000.0));
                m.put("p95LatencyMs", round(latency.percentileMicros(0.95) / 1000.0));
                m.put("p99LatencyMs", round(latency.percentileMicros(0.99) / 1000.0));
                m.put("p999LatencyMs", round(latency.percentileMicros(0.999) / 1000.0));
            }
            return m;
        }

        private static double round(double v) {
            return Math.round(v * 100) / 100.0;
        }
    }

    /** Prints the meter's window to {@code err} every {@code intervalMs} until closed. */
    static ScheduledExecutorService reporter(Meter meter, PrintWriter err, long intervalMs, String verb, boolean withLatency) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kayak-perf-progress");
            t.setDaemon(true);
            return t;
        });
        s.scheduleAtFixedRate(() -> {
            err.println(meter.window(verb, withLatency));
            err.flush();
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        return s;
    }

    /** The topic's partitions, or a failed command if it does not exist. */
    static List<TopicPartition> partitions(KafkaOptions kafka, String topic) {
        List<TopicPartition> out = new ArrayList<>();
        kafka.withAdmin(admin -> {
            TopicDescription d = kafka.await(admin.describeTopics(Set.of(topic)).allTopicNames(), "describing topic " + topic).get(topic);
            d.partitions().forEach(p -> out.add(new TopicPartition(topic, p.partition())));
        });
        return out;
    }

    @Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Send --num-records records of --record-size random bytes, at most --throughput a second, and"
                    + " report records/s, MB/s and the latency of acknowledgement (average, max, p50, p95, p99, p99.9).",
            footer = {"", "Examples:",
                    "  kayak-admin.sh perf produce --topic bench --num-records 1000000 --record-size 1024",
                    "  kayak-admin.sh perf produce --topic bench --num-records 100000 --record-size 100 \\",
                    "      --throughput 5000 --producer-property acks=1 --json"})
    static final class Produce implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Spec
        CommandSpec spec;

        @Option(names = "--topic", required = true, description = "the topic to write to")
        String topic;

        @Option(names = "--num-records", required = true, description = "how many records to send")
        long numRecords;

        @Option(names = "--record-size", required = true, paramLabel = "BYTES", description = "the size of each record's value")
        int recordSize;

        @Option(names = "--throughput", defaultValue = "-1", paramLabel = "RECORDS/S",
                description = "send at most this many records a second; -1: as fast as possible (default)")
        double throughput;

        @Option(names = "--producer-property", paramLabel = "CONFIG=VALUE",
                description = "a Kafka producer config, over the defaults (acks=all, linger.ms=5, batch.size=65536)")
        Map<String, String> producerProperties;

        @Option(names = "--reporting-interval-ms", defaultValue = "5000", description = "print a progress line this often (default: ${DEFAULT-VALUE})")
        long reportingIntervalMs;

        @Override
        public Integer call() {
            if (numRecords < 1 || recordSize < 0 || reportingIntervalMs < 1 || (throughput <= 0 && throughput != -1)) {
                throw new ParameterException(spec.commandLine(), "--num-records and --reporting-interval-ms must be positive,"
                        + " --record-size at least 0, and --throughput positive or -1");
            }
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServer);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, KafkaOptions.API_TIMEOUT_MS);
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "kayak-perf-producer");
            p = ClientProperties.merged(spec, p, producerProperties, ProducerConfig.configNames(), "--producer-property");
            partitions(kafka, topic);
            byte[] payload = new byte[recordSize];
            new Random().nextBytes(payload);
            Meter meter = new Meter();
            Failures failures = new Failures();
            ScheduledExecutorService progress = reporter(meter, kafka.err(), reportingIntervalMs, "sent", true);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                long start = System.nanoTime();
                for (long i = 0; i < numRecords && failures.first() == null; i++) {
                    pace(start, i);
                    long sentNanos = System.nanoTime();
                    producer.send(new ProducerRecord<>(topic, payload), (metadata, e) -> {
                        if (e == null) {
                            meter.record(recordSize, (System.nanoTime() - sentNanos) / 1000);
                        } else {
                            failures.add(e);
                        }
                    });
                }
                producer.flush();
            } catch (KafkaException e) {
                throw kafka.explain(e, "producing to " + topic);
            } finally {
                progress.shutdownNow();
            }
            Map<String, Object> summary = meter.summary(true);
            summary.put("failed", failures.count());
            kafka.print(summary, String.format(java.util.Locale.ROOT, "%d records sent, %.2f records/s (%.2f MB/s), %.2f ms avg latency,"
                    + " %.2f ms max latency, %.2f ms 50th, %.2f ms 95th, %.2f ms 99th, %.2f ms 99.9th.", summary.get("records"),
                    summary.get("recordsPerSec"), summary.get("mbPerSec"), summary.get("avgLatencyMs"), summary.get("maxLatencyMs"),
                    summary.get("p50LatencyMs"), summary.get("p95LatencyMs"), summary.get("p99LatencyMs"), summary.get("p999LatencyMs")));
            if (failures.first() != null) {
                throw kafka.explain(failures.first(), failures.count() + " record(s) not acknowledged; producing to " + topic);
            }
            return 0;
        }

        /** Waits until record {@code i} is due at {@code --throughput}; returns at once when unlimited. */
        private void pace(long startNanos, long i) {
            if (throughput <= 0) {
                return;
            }
            long due = startNanos + (long) (i * 1e9 / throughput);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** The send failures of a run: how many, and the first. Thread-safe. */
    static final class Failures {
        private long count;
        private Throwable first;

        synchronized void add(Exception e) {
            count++;
            if (first == null) {
                first = e;
            }
        }

        synchronized long count() {
            return count;
        }

        synchronized Throwable first() {
            return first;
        }
    }

    @Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Read --num-records records of a topic from the beginning of every partition (or, with --group,"
                    + " from the group's committed offsets, committing as it goes), and report records/s and MB/s.",
            footer = {"", "Examples:", "  kayak-admin.sh perf consume --topic bench --num-records 1000000",
                    "  kayak-admin.sh perf consume --topic bench --num-records 100000 --group perf \\",
                    "      --consumer-property fetch.min.bytes=65536 --json"})
    static final class Consume implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Spec
        CommandSpec spec;

        @Option(names = "--topic", required = true, description = "the topic to read")
        String topic;

        @Option(names = "--num-records", required = true, description = "stop after this many records")
        long numRecords;

        @Option(names = "--group", description = "consume as a member of this group (default: no group, every partition from its start)")
        String group;

        @Option(names = "--timeout-ms", defaultValue = "10000",
                description = "fail if no record arrives for this long (default: ${DEFAULT-VALUE})")
        long timeoutMs;

        @Option(names = "--consumer-property", paramLabel = "CONFIG=VALUE", description = "a Kafka consumer config, over the defaults")
        Map<String, String> consumerProperties;

        @Option(names = "--reporting-interval-ms", defaultValue = "5000", description = "print a progress line this often (default: ${DEFAULT-VALUE})")
        long reportingIntervalMs;

        @Override
        public Integer call() {
            if (numRecords < 1 || timeoutMs < 1 || reportingIntervalMs < 1) {
                throw new ParameterException(spec.commandLine(), "--num-records, --timeout-ms and --reporting-interval-ms must be positive");
            }
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServer);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, group != null);
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, "kayak-perf-consumer");
            if (group != null) {
                p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            }
            p = ClientProperties.merged(spec, p, consumerProperties, ConsumerConfig.configNames(), "--consumer-property");
            List<TopicPartition> partitions = partitions(kafka, topic);
            Meter meter = new Meter();
            ScheduledExecutorService progress = reporter(meter, kafka.err(), reportingIntervalMs, "consumed", false);
            boolean timedOut = false;
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                if (group == null) {
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                } else {
                    consumer.subscribe(List.of(topic));
                }
                long lastRecordNanos = System.nanoTime();
                while (meter.records() < numRecords) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(Math.min(timeoutMs, 500)));
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        meter.record((r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length), -1);
                    }
                    if (!records.isEmpty()) {
                        lastRecordNanos = System.nanoTime();
                    } else if (System.nanoTime() - lastRecordNanos > TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
                        timedOut = true;
                        break;
                    }
                }
                if (group != null) {
                    consumer.commitSync();
                }
            } catch (KafkaException e) {
                throw kafka.explain(e, "consuming " + topic);
            } finally {
                progress.shutdownNow();
            }
            Map<String, Object> summary = meter.summary(false);
            kafka.print(summary, String.format(java.util.Locale.ROOT, "%d records consumed, %.2f records/s (%.2f MB/s) in %d ms.",
                    summary.get("records"), summary.get("recordsPerSec"), summary.get("mbPerSec"), summary.get("elapsedMs")));
            if (timedOut) {
                throw new CommandFailedException("consumed " + summary.get("records") + " of " + numRecords + " records: none arrived for "
                        + timeoutMs + " ms (--timeout-ms). Does the topic hold that many?");
            }
            return 0;
        }
    }
}
