package io.kayak.broker.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.log.LogConfig;
import io.kayak.metadata.Endpoint;
import io.kayak.metadata.MetadataErrorCode;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.MetadataRejectedException;
import io.kayak.metadata.record.AlterConfigsRecord;
import io.kayak.metadata.record.BrokerConfigsRecord;
import io.kayak.metadata.record.CreateTopicRecord;
import io.kayak.metadata.record.RegisterBrokerRecord;
import io.kayak.metadata.statemachine.RecordApplier;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Precedence, sources and validation of the dynamic broker configs, over images built by the real record applier. */
class DynamicBrokerConfigsTest {
    private final RecordApplier applier = new RecordApplier();

    private MetadataImage image(Map<String, String> cluster, Map<String, String> node2) {
        MetadataImage i = applier.apply(MetadataImage.EMPTY, new AlterConfigsRecord(AlterConfigsRecord.Resource.CLUSTER, "", cluster))
                .image();
        return applier.apply(i, new BrokerConfigsRecord(2, node2)).image();
    }

    @Test
    void aNodesOwnValueWinsOverTheClusterDefaultWhichWinsOverTheFileAndTopicsOverrideAll() {
        MetadataImage i = image(Map.of("log.retention.ms", "60000", "log.segment.bytes", "2097152"),
                Map.of("log.segment.bytes", "3145728"));
        assertEquals(Map.of("log.retention.ms", "60000", "log.segment.bytes", "3145728"), DynamicBrokerConfigs.inForce(i, 2));
        assertEquals(Map.of("log.retention.ms", "60000", "log.segment.bytes", "2097152"), DynamicBrokerConfigs.inForce(i, 1));

        LogConfig file = LogConfig.from(Map.of("log.retention.hours", "1", "log.retention.bytes", "5000000"));
        LogConfig node1 = DynamicBrokerConfigs.logConfig(file, DynamicBrokerConfigs.inForce(i, 1));
        assertEquals(60000, node1.retentionMs(), "the cluster default over the file's log.retention.hours");
        assertEquals(5000000, node1.retentionBytes(), "not set dynamically: the file's");
        assertEquals(2097152, node1.segmentBytes());

        Map<String, String> topic = DynamicBrokerConfigs.topicConfigsWithDefaults(file, DynamicBrokerConfigs.inForce(i, 2),
                Map.of("retention.ms", "1000"));
        assertEquals(Map.of("retention.ms", "1000", "segment.bytes", "3145728"), topic, "the topic's own retention.ms stays");
        assertEquals(3145728, TopicConfigs.logConfig(file, topic).segmentBytes());

        Map<String, String> fileProps = Map.of("log.retention.hours", "1", "log.retention.bytes", "5000000");
        List<DynamicBrokerConfigs.Effective> e2 = DynamicBrokerConfigs.effective(file, fileProps, i, 2);
        assertEquals(List.of(
                new DynamicBrokerConfigs.Effective("log.cleanup.policy", "delete", DynamicBrokerConfigs.Source.DEFAULT),
                new DynamicBrokerConfigs.Effective("log.retention.bytes", "5000000", DynamicBrokerConfigs.Source.STATIC_BROKER),
                new DynamicBrokerConfigs.Effective("log.retention.ms", "60000", DynamicBrokerConfigs.Source.DYNAMIC_DEFAULT_BROKER),
                new DynamicBrokerConfigs.Effective("log.segment.bytes", "3145728", DynamicBrokerConfigs.Source.DYNAMIC_BROKER)), e2);
        assertEquals(DynamicBrokerConfigs.Source.STATIC_BROKER,
                DynamicBrokerConfigs.effective(file, fileProps, MetadataImage.EMPTY, 1).get(2).source(),
                "log.retention.hours in the file sets log.retention.ms");
    }

    @Test
    void valuesTheNodeWouldRefuseAreInvalidConfigAndOtherKeysInvalidRequest() {
        LogConfig file = LogConfig.defaults();
        MetadataImage empty = MetadataImage.EMPTY;
        assertEquals(MetadataErrorCode.INVALID_REQUEST, assertThrows(MetadataRejectedException.class, () ->
                DynamicBrokerConfigs.validate(file, Map.of("num.io.threads", "4"), Map.of(), empty)).code());
        assertEquals(MetadataErrorCode.INVALID_CONFIG, assertThrows(MetadataRejectedException.class, () ->
                DynamicBrokerConfigs.validate(file, Map.of("log.retention.ms", "soon"), Map.of("log.retention.ms", "soon"), empty))
                .code());
        MetadataRejectedException small = assertThrows(MetadataRejectedException.class, () -> DynamicBrokerConfigs.validate(file,
                Map.of("log.segment.bytes", "4096"), Map.of("log.segment.bytes", "4096"), empty));
        assertTrue(small.getMessage().contains("message.max.bytes"), small.getMessage());
        assertEquals(MetadataErrorCode.INVALID_CONFIG, assertThrows(MetadataRejectedException.class, () ->
                DynamicBrokerConfigs.validate(file, Map.of("log.cleanup.policy", "compact"), Map.of("log.cleanup.policy", "compact"),
                        empty)).code());

        MetadataImage registered = applier.apply(empty, new RegisterBrokerRecord(1, UUID.randomUUID(),
                List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092)), null, 1000, 6000)).image();
        MetadataImage withTopic = applier.apply(registered, new CreateTopicRecord("big", UUID.randomUUID(), List.of(List.of(1)),
                Map.of("max.message.bytes", "3000000"))).image();
        assertTrue(withTopic.topic("big").isPresent());
        MetadataRejectedException topic = assertThrows(MetadataRejectedException.class, () -> DynamicBrokerConfigs.validate(file,
                Map.of("log.segment.bytes", "2097152"), Map.of("log.segment.bytes", "2097152"), withTopic));
        assertTrue(topic.getMessage().contains("'big'"), "names the topic whose own max.message.bytes no longer fits: "
                + topic.getMessage());
        DynamicBrokerConfigs.validate(file, Map.of("log.segment.bytes", "4194304"), Map.of("log.segment.bytes", "4194304"),
                withTopic);
    }

    @Test
    void defaultsThatThisNodesFileMakesInvalidAreNotAppliedSoThePartitionStillOpens() {
        LogConfig bigMessages = LogConfig.from(Map.of("message.max.bytes", "3000000", "log.segment.bytes", "4000000"));
        Map<String, String> topic = DynamicBrokerConfigs.topicConfigsWithDefaults(bigMessages,
                Map.of("log.segment.bytes", "2097152", "log.retention.ms", "60000"), Map.of("retention.bytes", "1"));
        assertEquals(Map.of("retention.bytes", "1"), topic);
        assertEquals(Map.of("retention.bytes", "1"), DynamicBrokerConfigs.topicConfigsWithDefaults(bigMessages, Map.of(),
                Map.of("retention.bytes", "1")));
    }
}
