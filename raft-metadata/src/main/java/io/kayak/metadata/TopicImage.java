package io.kayak.metadata;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A topic: name, id, per-topic config overrides and its partitions in order. */
public record TopicImage(String name, UUID topicId, Map<String, String> configs, List<PartitionImage> partitions) {
    public TopicImage {
        configs = Map.copyOf(configs);
        partitions = List.copyOf(partitions);
    }
}
