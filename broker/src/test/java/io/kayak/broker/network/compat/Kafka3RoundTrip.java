package io.kayak.broker.network.compat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Run by KafkaClient3xTest in a child JVM whose class path holds kafka-clients 3.9 instead of the build's 4.x:
 * produces records with an idempotent acks=all producer, reads them back with manual assignment, prints
 * "OK <n> <client version>" or exits 1. Uses only API that both versions share.
 */
public final class Kafka3RoundTrip {
    private Kafka3RoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int n = Integer.parseInt(args[2]);
        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("acks", "all");
        pp.put("enable.idempotence", "true");
        List<Long> offsets = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                offsets.add(producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)).get().offset());
            }
        }
        for (int i = 0; i < n; i++) {
            if (offsets.get(i) != i) {
                System.out.println("record " + i + " got offset " + offsets.get(i));
                System.exit(1);
            }
        }
        Properties cp = new Properties();
        cp.put("bootstrap.servers", bootstrap);
        cp.put("enable.auto.commit", "false");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (values.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (i >= values.size() || !values.get(i).equals("v" + i)) {
                System.out.println("read back " + values.size() + " records, wrong at " + i);
                System.exit(1);
            }
        }
        System.out.println("OK " + n + " " + org.apache.kafka.common.utils.AppInfoParser.getVersion());
    }
}
