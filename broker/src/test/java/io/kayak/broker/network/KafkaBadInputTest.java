package io.kayak.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kayak.broker.replica.ReplicatedCluster;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A produce request whose batch fails its CRC, sent over a raw socket to the partition's leader, is refused
 * with CORRUPT_MESSAGE and stores nothing, while a real producer on another connection keeps working.
 */
@Tag("integration")
class KafkaBadInputTest extends ClusterTest {

    @Test
    void aBatchWithABadCrcIsRefusedAndOtherClientsKeepWorking() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of());
        cluster.createTopic("guarded", 1, 3, Map.of());
        int leader = cluster.partition("guarded", 0).orElseThrow().leader();
        int port = cluster.servers.get(leader).kafkaServers().get(0).port();

        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord("intact?".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer corrupt = records.buffer().duplicate();
        int last = corrupt.limit() - 1;
        corrupt.put(last, (byte) (corrupt.get(last) ^ 0x5a)); // a flipped byte in the record, under the CRC
        ProduceRequestData produce = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData().setName("guarded");
        t.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.readableRecords(corrupt)));
        produce.topicData().add(t);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            ProduceResponseData r = (ProduceResponseData) RawKafka.call(s, ApiKeys.PRODUCE, (short) 9, produce);
            assertEquals(Errors.CORRUPT_MESSAGE.code(),
                    r.responses().iterator().next().partitionResponses().get(0).errorCode());
        }

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            assertEquals(0, producer.send(new ProducerRecord<>("guarded", 0, null, "fine")).get(30, TimeUnit.SECONDS).offset(),
                    "the refused batch stored nothing; the next good one takes offset 0");
        }
    }

}
