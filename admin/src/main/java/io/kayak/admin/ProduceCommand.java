package io.kayak.admin;

import static io.kayak.admin.KafkaOptions.fields;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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
import picocli.CommandLine.Option;

/**
 * {@code produce}: the console producer. Every line of stdin is one record (UTF-8), sent by an idempotent
 * acks=all Kafka producer; with {@code --key-separator} the text before the first separator is the key. The
 * command ends at the end of input, once every record is acknowledged, and fails on the first that is not.
 */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Send each line of standard input as a record to a topic (acks=all, idempotent).",
        footer = {"", "Examples:", "  echo hello | kayak-admin.sh produce --topic orders",
                "  printf 'k1:v1\\nk2:v2\\n' | kayak-admin.sh produce --topic orders --key-separator :"})
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

    @Override
    public Integer call() throws IOException {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServer);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, KafkaOptions.API_TIMEOUT_MS);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, KafkaOptions.REQUEST_TIMEOUT_MS);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "kayak-admin-producer");
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                sent.add(send(producer, line, number));
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

    private Future<RecordMetadata> send(KafkaProducer<String, String> producer, String line, int number) {
        if (keySeparator == null) {
            return producer.send(new ProducerRecord<>(topic, line));
        }
        int at = line.indexOf(keySeparator);
        if (at < 0) {
            throw new CommandFailedException("line " + number + " has no key separator '" + keySeparator
                    + "'; every line must be KEY" + keySeparator + "VALUE (records before it were sent)");
        }
        return producer.send(new ProducerRecord<>(topic, line.substring(0, at), line.substring(at + keySeparator.length())));
    }
}
