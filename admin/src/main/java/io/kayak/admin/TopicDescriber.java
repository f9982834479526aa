package io.kayak.admin;

import static io.kayak.admin.KafkaOptions.fields;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * {@code topics describe}: topic metadata (Metadata), the configs set on each topic (DescribeConfigs) and each
 * partition's log start and end offsets with the leader epoch (ListOffsets earliest and latest). A partition
 * without a leader is not asked for offsets; one whose offsets cannot be read within {@link #OFFSETS_TIMEOUT_MS}
 * shows them as absent. One use,
 * on the CLI thread.
 */
final class TopicDescriber {
    /**
     * How long describe waits for log offsets: a leader that died a moment ago is still in the metadata until its
     * lease expires, and its partitions are shown without offsets rather than holding up the whole answer.
     */
    static final int OFFSETS_TIMEOUT_MS = 5_000;

    private final KafkaOptions kafka;
    private final Admin admin;

    TopicDescriber(KafkaOptions kafka, Admin admin) {
        this.kafka = kafka;
        this.admin = admin;
    }

    void describe(List<String> names, boolean underReplicated, boolean unavailable) {
        List<String> topics = names.isEmpty()
                ? kafka.await(admin.listTopics().names(), "listing topics").stream().sorted().toList() : names;
        Map<String, TopicDescription> descriptions = new TreeMap<>(
                kafka.await(admin.describeTopics(topics).allTopicNames(), "describing " + String.join(", ", topics)));
        Map<String, Map<String, String>> configs = TopicsCommand.overrides(kafka, admin, descriptions.keySet());
        List<TopicPartition> led = new ArrayList<>();
        descriptions.values().forEach(d -> d.partitions().stream().filter(p -> leaderOf(p) != null)
                .forEach(p -> led.add(new TopicPartition(d.name(), p.partition()))));
        ListOffsetsResult earliestAsked = ask(led, OffsetSpec.earliest());
        ListOffsetsResult latestAsked = ask(led, OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResultInfo> earliest = answers(led, earliestAsked);
        Map<TopicPartition, ListOffsetsResultInfo> latest = answers(led, latestAsked);

        List<Map<String, Object>> result = new ArrayList<>();
        StringBuilder human = new StringBuilder();
        for (TopicDescription d : descriptions.values()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (TopicPartitionInfo p : d.partitions()) {
                boolean under = p.isr().size() < p.replicas().size();
                if ((underReplicated && !under) || (unavailable && leaderOf(p) != null)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(d.name(), p.partition());
                ListOffsetsResultInfo start = earliest.get(tp);
                ListOffsetsResultInfo end = latest.get(tp);
                rows.add(fields("partition", p.partition(), "leader", leaderOf(p),
                        "leaderEpoch", end == null ? null : end.leaderEpoch().orElse(null),
                        "replicas", p.replicas().stream().map(Node::id).toList(), "isr", p.isr().stream().map(Node::id).toList(),
                        "logStartOffset", start == null ? null : start.offset(), "logEndOffset", end == null ? null : end.offset()));
            }
            if (rows.isEmpty() && (underReplicated || unavailable)) {
                continue;
            }
            int rf = d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
            Map<String, String> set = configs.getOrDefault(d.name(), Map.of());
            result.add(fields("topic", d.name(), "topicId", d.topicId().toString(), "partitionCount", d.partitions().size(),
                    "replicationFactor", rf, "configs", set, "partitions", rows));
            human.append(String.format("Topic: %s  TopicId: %s  PartitionCount: %d  ReplicationFactor: %d  Configs: %s%n",
                    d.name(), d.topicId(), d.partitions().size(), rf, set.isEmpty() ? "" : Output.cell(set)));
            human.append(Output.table(rows)).append('\n');
        }
        kafka.print(fields("topics", result), human.toString().stripTrailing());
    }

    private static Integer leaderOf(TopicPartitionInfo p) {
        return p.leader() == null || p.leader().isEmpty() ? null : p.leader().id();
    }

    /** Both ListOffsets queries go out at once, bounded by {@link #OFFSETS_TIMEOUT_MS}. */
    private ListOffsetsResult ask(List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, spec));
        return admin.listOffsets(query, new ListOffsetsOptions().timeoutMs(OFFSETS_TIMEOUT_MS));
    }

    /** The answers; a partition that got none (its leader just died, say) is left out with a warning. */
    private Map<TopicPartition, ListOffsetsResultInfo> answers(List<TopicPartition> partitions, ListOffsetsResult r) {
        Map<TopicPartition, ListOffsetsResultInfo> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            try {
                out.put(tp, r.partitionResult(tp).get());
            } catch (ExecutionException e) {
                kafka.err().println("warning: no offsets for " + tp + ": " + e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailedException("interrupted while listing offsets");
            }
        }
        return out;
    }
}
