package io.kayak.broker.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.log.LogConfig;
import io.kayak.metadata.MetadataErrorCode;
import io.kayak.metadata.MetadataRejectedException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicConfigsTest {
    @Test
    void configsEveryReplicaWouldRefuseAreRejectedAtCreationWithInvalidConfig() {
        MetadataRejectedException tooSmall = assertThrows(MetadataRejectedException.class,
                () -> TopicConfigs.validate(LogConfig.defaults(), Map.of("segment.bytes", "1024")));
        assertEquals(MetadataErrorCode.INVALID_CONFIG, tooSmall.code());
        assertTrue(tooSmall.getMessage().contains("segment.bytes"), tooSmall.getMessage());

        MetadataRejectedException malformed = assertThrows(MetadataRejectedException.class,
                () -> TopicConfigs.validate(LogConfig.defaults(), Map.of("retention.ms", "a week")));
        assertEquals(MetadataErrorCode.INVALID_CONFIG, malformed.code());

        MetadataRejectedException compact = assertThrows(MetadataRejectedException.class,
                () -> TopicConfigs.validate(LogConfig.defaults(), Map.of("cleanup.policy", "compact")));
        assertEquals(MetadataErrorCode.INVALID_CONFIG, compact.code());
        assertTrue(compact.getMessage().contains("does not compact"), compact.getMessage());

        TopicConfigs.validate(LogConfig.defaults(), Map.of("segment.bytes", "1024", "max.message.bytes", "512",
                "cleanup.policy", "delete"));
        assertEquals(512, TopicConfigs.logConfig(LogConfig.defaults(), Map.of("max.message.bytes", "512")).messageMaxBytes());
    }
}
