package io.kayak.admin;

import static io.kayak.admin.KafkaOptions.fields;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code produce}: the console producer. Every line of stdin is one record (UTF-8), sent by an idempotent
 * acks=all Kafka producer; with {@code --key-separator}, or kafka-console-producer's {@code --property
 * parse.key=true} (and {@code key.separator}, a tab by default), the text before the first separator is the key.
 * {@code --producer-property} overrides the producer's configs. The command ends at the end of input, once every
 * record is acknowledged, and fails on the first that is not.
 */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Send each line of standard input as a record to a topic (acks=all, idempotent).",
        footer = {"", "Examples:", "  echo hello | kayak-admin.sh produce --topic orders",
                "  printf 'k1:v1\\nk2:v2\\n' | kayak-admin.sh produce --topic orders --key-separator :",
                "  printf 'k1\\tv1\\n' | kayak-admin.sh produce --topic orders --property parse.key=true",
                "  printf 'k1=v1\\n' | kayak-admin.sh produce --topic orders --property parse.key=true --property key.separator==",
                "  echo hi | kayak-admin.sh produce --topic orders --producer-property acks=1 --producer-property linger.ms=0"})
final class ProduceCommand implements Callable<Integer> {
    /** How long the producer may try to deliver one record, retries included. */
    static final int DELIVERY_TIMEOUT_MS = 30_000;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", required = true, description = "the topic to write to")
    String topic;

    @Option(names = "--key-separator", paramLabel = "SEP",
            description = "split each line at the first SEP into key and value (a line without SEP fails the command)")
    String keySeparator;

    @Option(names = "--property", paramLabel = "KEY=VALUE",
            description = "line reader properties, as kafka-console-producer: parse.key=true|false (default false),"
                    + " key.separator=SEP (default a tab)")
    Map<String, String> readerProperties;

    @Option(names = "--producer-property", paramLabel = "CONFIG=VALUE",
            description = "a Kafka producer config, over the defaults (acks=all, linger.ms=5), e.g. acks=1, compression.type=lz4")
    Map<String, String> producerProperties;

    /** The line reader properties {@code --property} understands. */
    static final Set<String> READER_PROPERTIES = Set.of("parse.key", "key.separator");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String separator = separator();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServer);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, KafkaOptions.API_TIMEOUT_MS);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, KafkaOptions.REQUEST_TIMEOUT_MS);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "kayak-admin-producer");
        p = ClientProperties.merged(spec, p, producerProperties, ProducerConfig.configNames(), "--producer-property");
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                sent.add(send(producer, line, number, separator));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw kafka.explain(e.getCause(), "producing to " + topic);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CommandFailedException("interrupted while producing to " + topic);
                }
            }
        } catch (KafkaException e) {
            throw kafka.explain(e, "producing to " + topic);
        }
        kafka.print(fields("topic", topic, "records", sent.size()), "Produced " + sent.size() + " record(s) to " + topic + ".");
        return 0;
    }

    /** The key separator in effect, or null for lines without keys; contradictory options are usage errors. */
    private String separator() {
        Map<String, String> props = readerProperties == null ? Map.of() : readerProperties;
        for (String name : props.keySet()) {
            if (!READER_PROPERTIES.contains(name)) {
                throw new ParameterException(spec.commandLine(), "--property " + name + ": unknown; the properties are "
                        + String.join(", ", new java.util.TreeSet<>(READER_PROPERTIES)));
            }
        }
        String parseKey = props.getOrDefault("parse.key", "false");
        if (!parseKey.equals("true") && !parseKey.equals("false")) {
            throw new ParameterException(spec.commandLine(), "--property parse.key must be true or false, not '" + parseKey + "'");
        }
        String propertySeparator = props.get("key.separator");
        if (propertySeparator != null && propertySeparator.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--property key.separator must not be empty");
        }
        if (keySeparator != null && (props.containsKey("parse.key") || propertySeparator != null)) {
            throw new ParameterException(spec.commandLine(),
                    "--key-separator SEP is short for --property parse.key=true --property key.separator=SEP: give one or the other");
        }
        if (keySeparator != null) {
            return keySeparator;
        }
        return parseKey.equals("true") ? (propertySeparator == null ? "\t" : propertySeparator) : null;
    }

    private Future<RecordMetadata> send(KafkaProducer<String, String> producer, String line, int number, String keySeparator) {
        if (keySeparator == null) {
            return producer.send(new ProducerRecord<>(topic, line));
        }
        int at = line.indexOf(keySeparator);
        if (at < 0) {
            throw new CommandFailedException("line " + number + " has no key separator '" + printable(keySeparator)
                    + "'; every line must be KEY" + printable(keySeparator) + "VALUE (records before it were sent)");
        }
        return producer.send(new ProducerRecord<>(topic, line.substring(0, at), line.substring(at + keySeparator.length())));
    }

    private static String printable(String separator) {
        return separator.replace("\t", "\\t");
    }
}
