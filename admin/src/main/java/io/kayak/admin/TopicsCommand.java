package io.kayak.admin;

import static io.kayak.admin.KafkaOptions.fields;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code topics create|list|describe|alter|delete}: topic administration over kafka-clients' Admin API
 * (CreateTopics, Metadata, DescribeConfigs, ListOffsets, CreatePartitions, IncrementalAlterConfigs,
 * DeleteTopics), so it works against Apache Kafka as well. Describing lives in {@link TopicDescriber}.
 */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Create, list, describe, alter and delete topics.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class, TopicsCommand.Describe.class,
                TopicsCommand.Alter.class, TopicsCommand.Delete.class})
final class TopicsCommand {
    private TopicsCommand() {
    }

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Create a topic. Partitions and replication factor default to the cluster's num.partitions and"
                    + " default.replication.factor; --replica-assignment places every replica explicitly.",
            footer = {"", "Examples:",
                    "  kayak-admin.sh topics create --topic orders --partitions 3 --replication-factor 3",
                    "  kayak-admin.sh topics create --topic audit --replica-assignment 1:2:3,2:3:1 --config retention.ms=86400000"})
    static final class Create implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;
        @Spec
        CommandSpec spec;

        @Option(names = "--topic", required = true, description = "the topic's name")
        String topic;

        @Option(names = "--partitions", description = "number of partitions (default: the cluster's num.partitions)")
        Integer partitions;

        @Option(names = "--replication-factor", description = "replicas per partition (default: the cluster's default.replication.factor)")
        Short replicationFactor;

        @Option(names = "--replica-assignment", paramLabel = "B:B:B,B:B:B",
                description = "the node ids of each partition's replicas, partitions separated by ',', replicas by ':'"
                        + " (first = preferred leader); excludes --partitions and --replication-factor")
        String replicaAssignment;

        @Option(names = "--config", paramLabel = "KEY=VALUE", description = "a topic config (repeatable), e.g. retention.ms=86400000")
        Map<String, String> configs = new LinkedHashMap<>();

        @Override
        public Integer call() {
            NewTopic nt;
            if (replicaAssignment != null) {
                if (partitions != null || replicationFactor != null) {
                    throw new ParameterException(spec.commandLine(),
                            "--replica-assignment already gives the partitions and replicas: drop --partitions and --replication-factor");
                }
                nt = new NewTopic(topic, parseAssignment(spec, replicaAssignment));
            } else {
                nt = new NewTopic(topic, Optional.ofNullable(partitions), Optional.ofNullable(replicationFactor));
            }
            nt.configs(configs);
            return kafka.withAdmin(admin -> {
                CreateTopicsResult r = admin.createTopics(List.of(nt));
                kafka.await(r.all(), "creating topic " + topic);
                int count = kafka.await(r.numPartitions(topic), "creating topic " + topic);
                int rf = kafka.await(r.replicationFactor(topic), "creating topic " + topic);
                String id = kafka.await(r.topicId(topic), "creating topic " + topic).toString();
                kafka.print(fields("topic", topic, "topicId", id, "partitions", count, "replicationFactor", rf, "configs", configs),
                        "Created topic " + topic + " (" + count + " partitions, replication factor " + rf + ", id " + id + ").");
            });
        }
    }

    /**
     * Kafka's replica assignment syntax: {@code 1:2:3,2:3:1} is partition 0 on nodes 1, 2, 3 and partition 1 on
     * nodes 2, 3, 1. Every partition needs the same number of distinct replicas.
     */
    static Map<Integer, List<Integer>> parseAssignment(CommandSpec spec, String text) {
        Map<Integer, List<Integer>> out = new LinkedHashMap<>();
        String[] parts = text.split(",", -1);
        for (int p = 0; p < parts.length; p++) {
            List<Integer> replicas = new ArrayList<>();
            for (String id : parts[p].split(":", -1)) {
                try {
                    replicas.add(Integer.parseInt(id.trim()));
                } catch (NumberFormatException e) {
                    throw new ParameterException(spec.commandLine(), "--replica-assignment " + text + ": '" + id
                            + "' of partition " + p + " is not a node id; expected e.g. 1:2:3,2:3:1");
                }
            }
            if (new HashSet<>(replicas).size() != replicas.size()) {
                throw new ParameterException(spec.commandLine(), "--replica-assignment " + text + ": partition " + p
                        + " names a node twice");
            }
            if (p > 0 && replicas.size() != out.get(0).size()) {
                throw new ParameterException(spec.commandLine(), "--replica-assignment " + text + ": partition " + p
                        + " has " + replicas.size() + " replicas but partition 0 has " + out.get(0).size());
            }
            out.put(p, replicas);
        }
        return out;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the topics' names.",
            footer = {"", "Examples:", "  kayak-admin.sh topics list", "  kayak-admin.sh topics list --bootstrap-server 127.0.0.1:9093 --json"})
    static final class ListTopics implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--include-internal", description = "also list internal topics (Apache Kafka's __consumer_offsets)")
        boolean internal;

        @Override
        public Integer call() {
            return kafka.withAdmin(admin -> {
                List<String> names = kafka.await(admin.listTopics(new ListTopicsOptions().listInternal(internal)).names(),
                        "listing topics").stream().sorted().toList();
                kafka.print(fields("topics", names), String.join("\n", names));
            });
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Describe topics: id, partition count, replication factor, configs set on the topic, and per"
                    + " partition its leader, leader epoch, replicas, in-sync replicas (ISR) and log start and end offsets.",
                    "The leader epoch is the one ListOffsets reports with the log end offset (Kayak: the partition's Raft term)."},
            footer = {"", "Examples:", "  kayak-admin.sh topics describe --topic orders",
                    "  kayak-admin.sh topics describe --under-replicated", "  kayak-admin.sh topics describe --unavailable --json"})
    static final class Describe implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--topic", description = "the topic to describe (repeatable; default: every topic)")
        List<String> topics = new ArrayList<>();

        @Option(names = "--under-replicated", description = "only partitions whose ISR is smaller than their replica set")
        boolean underReplicated;

        @Option(names = "--unavailable", description = "only partitions without a leader")
        boolean unavailable;

        @Override
        public Integer call() {
            return kafka.withAdmin(admin -> {
                new TopicDescriber(kafka, admin).describe(topics, underReplicated, unavailable);
            });
        }
    }

    @Command(name = "alter", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Add partitions to a topic, or set or delete its configs.",
            footer = {"", "Examples:", "  kayak-admin.sh topics alter --topic orders --partitions 6",
                    "  kayak-admin.sh topics alter --topic orders --config retention.ms=3600000 --delete-config segment.bytes"})
    static final class Alter implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;
        @Spec
        CommandSpec spec;

        @Option(names = "--topic", required = true, description = "the topic to alter")
        String topic;

        @Option(names = "--partitions", description = "the new, larger number of partitions")
        Integer partitions;

        @Option(names = "--config", paramLabel = "KEY=VALUE", description = "set a topic config (repeatable)")
        Map<String, String> configs = new LinkedHashMap<>();

        @Option(names = "--delete-config", paramLabel = "KEY", description = "remove a topic config, back to the default (repeatable)")
        List<String> deleteConfigs = new ArrayList<>();

        @Override
        public Integer call() {
            if (partitions == null && configs.isEmpty() && deleteConfigs.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "nothing to alter: give --partitions, --config or --delete-config");
            }
            return kafka.withAdmin(admin -> {
                List<String> done = new ArrayList<>();
                if (partitions != null) {
                    kafka.await(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all(),
                            "adding partitions to " + topic);
                    done.add("partitions increased to " + partitions);
                }
                if (!configs.isEmpty() || !deleteConfigs.isEmpty()) {
                    List<AlterConfigOp> ops = new ArrayList<>();
                    configs.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
                    deleteConfigs.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, ""), AlterConfigOp.OpType.DELETE)));
                    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                    kafka.await(admin.incrementalAlterConfigs(Map.of(r, ops)).all(), "altering the configs of " + topic);
                    configs.forEach((k, v) -> done.add("set " + k + "=" + v));
                    deleteConfigs.forEach(k -> done.add("deleted " + k));
                }
                kafka.print(fields("topic", topic, "partitions", partitions, "setConfigs", configs, "deletedConfigs", deleteConfigs),
                        "Altered topic " + topic + ": " + String.join(", ", done) + ".");
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete topics and all their records.",
            footer = {"", "Examples:", "  kayak-admin.sh topics delete --topic orders", "  kayak-admin.sh topics delete --topic a --topic b"})
    static final class Delete implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--topic", required = true, description = "a topic to delete (repeatable)")
        List<String> topics;

        @Override
        public Integer call() {
            return kafka.withAdmin(admin -> {
                kafka.await(admin.deleteTopics(topics).all(), "deleting " + String.join(", ", topics));
                kafka.print(fields("deleted", topics), "Deleted topic(s) " + String.join(", ", topics) + ".");
            });
        }
    }

    /** Every topic's configs that are set on the topic itself (dynamic overrides), by topic. */
    static Map<String, Map<String, String>> overrides(KafkaOptions kafka, Admin admin, Collection<String> topics) {
        Set<ConfigResource> resources = new HashSet<>();
        topics.forEach(t -> resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t)));
        Map<String, Map<String, String>> out = new HashMap<>();
        kafka.await(admin.describeConfigs(resources).all(), "describing topic configs").forEach((r, config) -> {
            Map<String, String> set = new java.util.TreeMap<>();
            config.entries().stream().filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                    .forEach(e -> set.put(e.name(), e.value()));
            out.put(r.name(), set);
        });
        return out;
    }
}
