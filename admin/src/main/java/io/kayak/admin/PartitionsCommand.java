package io.kayak.admin;

import static io.kayak.admin.KafkaOptions.fields;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code partitions describe}: each partition's Raft group (leader, term, commit and applied index, and per
 * replica its match index, lag and last contact), read from the HTTP admin port of the partition's leader node,
 * the only one that tracks its followers; {@code partitions elect-leaders}: hands leadership back to the preferred
 * replicas through the Kafka ElectLeaders API.
 */
@Command(name = "partitions", mixinStandardHelpOptions = true, description = "Inspect partitions' Raft groups and elect preferred leaders.",
        subcommands = {PartitionsCommand.Describe.class, PartitionsCommand.ElectLeaders.class})
final class PartitionsCommand {

    @Command(name = "describe", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Per partition of a topic: its Raft leader, term, commit and applied index, and per replica its"
                    + " role, match index, lag (the leader's last log index minus the match index) and the time since the"
                    + " leader last heard from it. Raft indexes count Raft entries, not Kafka offsets. Asks --http-server"
                    + " for the topic, then each partition's leader node at the HTTP address that node registered.",
            footer = {"", "Examples:", "  kayak-admin.sh partitions describe --topic orders",
                    "  kayak-admin.sh partitions describe --topic orders \\", "      --http-server 127.0.0.1:8082 --json"})
    static final class Describe implements Callable<Integer> {
        @Mixin
        HttpOptions http;

        @Option(names = "--topic", required = true, description = "the topic")
        String topic;

        @Override
        public Integer call() {
            JsonNode first = http.get(http.httpServer, path(topic));
            Map<Integer, String> addresses = new HashMap<>();
            first.get("httpEndpoints").fields().forEachRemaining(e -> addresses.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
            Map<Integer, Optional<JsonNode>> byNode = new HashMap<>();
            byNode.put(first.get("nodeId").asInt(), Optional.of(first));
            List<Map<String, Object>> partitions = new ArrayList<>();
            for (JsonNode p : first.get("partitions")) {
                JsonNode raft = leaderView(p, addresses, byNode);
                boolean quiesced = p.has("quiesced") && p.get("quiesced").asBoolean();
                if (raft == null) {
                    http.err().println("warning: no Raft detail for partition " + p.get("partition").asInt() + " of " + topic
                            + (quiesced ? ": it is quiesced (no write for kayak.replication.quiesce.ms; its Raft group is"
                            + " stopped on every replica until the next write)"
                            : p.get("leader").asInt() < 0 ? ": it has no leader now" : ": its leader, node " + p.get("leader").asInt()
                            + ", did not answer on its HTTP admin port"));
                }
                partitions.add(partition(p, raft));
            }
            http.err().flush();
            Map<String, Object> result = fields("topic", topic, "topicId", first.get("topicId").asText(), "partitions", partitions);
            http.print(result, "Topic: " + topic + "  TopicId: " + first.get("topicId").asText() + "  Partitions: "
                    + partitions.size() + "\n" + Output.table(rows(partitions)));
            return 0;
        }

        private static String path(String topic) {
            return "/admin/partitions?topic=" + HttpOptions.encode(topic);
        }

        /** The leader's view of a partition's group: the first answer's if it came from the leader, else the leader node's. */
        private JsonNode leaderView(JsonNode p, Map<Integer, String> addresses, Map<Integer, Optional<JsonNode>> byNode) {
            JsonNode raft = p.get("raft");
            if (raft != null && !raft.isNull() && raft.get("role").asText().equals("LEADER")) {
                return raft;
            }
            int leader = raft != null && !raft.isNull() && raft.get("leaderId").asInt() >= 0 ? raft.get("leaderId").asInt()
                    : p.get("leader").asInt();
            if (leader < 0 || !addresses.containsKey(leader)) {
                return null;
            }
            Optional<JsonNode> answer = byNode.computeIfAbsent(leader, n -> {
                try {
                    return Optional.of(http.get(addresses.get(n), path(topic)));
                } catch (CommandFailedException e) {
                    return Optional.empty();
                }
            });
            int partition = p.get("partition").asInt();
            for (JsonNode q : answer.map(a -> a.get("partitions")).orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance())) {
                JsonNode r = q.get("raft");
                if (q.get("partition").asInt() == partition && r != null && !r.isNull() && r.get("role").asText().equals("LEADER")) {
                    return r;
                }
            }
            return null;
        }

        /** One partition's result: the group's numbers, and per assigned replica what its leader knows of it. */
        private static Map<String, Object> partition(JsonNode p, JsonNode raft) {
            Map<Integer, JsonNode> followers = new HashMap<>();
            if (raft != null) {
                raft.get("followers").forEach(f -> followers.put(f.get("nodeId").asInt(), f));
            }
            int leader = raft == null ? p.get("leader").asInt() : raft.get("nodeId").asInt();
            List<Map<String, Object>> replicas = new ArrayList<>();
            List<Integer> isr = new ArrayList<>();
            p.get("isr").forEach(n -> isr.add(n.asInt()));
            for (JsonNode n : p.get("replicas")) {
                int id = n.asInt();
                JsonNode f = followers.get(id);
                if (raft != null && id == leader) {
                    replicas.add(fields("nodeId", id, "role", "leader", "matchIndex", raft.get("lastLogIndex").asLong(),
                            "lag", 0L, "lastContactMs", 0L, "inIsr", isr.contains(id)));
                } else if (f != null) {
                    replicas.add(fields("nodeId", id, "role", "follower", "matchIndex", f.get("matchIndex").asLong(),
                            "lag", f.get("lag").asLong(), "lastContactMs", f.get("lastContactMs").asLong(), "inIsr", isr.contains(id)));
                } else {
                    replicas.add(fields("nodeId", id, "role", null, "matchIndex", null, "lag", null, "lastContactMs", null,
                            "inIsr", isr.contains(id)));
                }
            }
            return fields("partition", p.get("partition").asInt(), "leader", leader < 0 ? null : leader,
                    "quiesced", p.has("quiesced") && p.get("quiesced").asBoolean(),
                    "term", raft == null ? null : raft.get("term").asLong(),
                    "commitIndex", raft == null ? null : raft.get("commitIndex").asLong(),
                    "appliedIndex", raft == null ? null : raft.get("appliedIndex").asLong(),
                    "lastLogIndex", raft == null ? null : raft.get("lastLogIndex").asLong(),
                    "replicas", replicas);
        }

        /** The table: one row per replica of each partition. */
        @SuppressWarnings("unchecked")
        private static List<Map<String, Object>> rows(List<Map<String, Object>> partitions) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Map<String, Object> p : partitions) {
                for (Map<String, Object> r : (List<Map<String, Object>>) p.get("replicas")) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("partition", p.get("partition"));
                    row.put("leader", p.get("leader"));
                    row.put("term", p.get("term"));
                    row.put("commitIndex", p.get("commitIndex"));
                    row.put("appliedIndex", p.get("appliedIndex"));
                    row.put("replica", r.get("nodeId"));
                    row.put("role", r.get("role"));
                    row.put("matchIndex", r.get("matchIndex"));
                    row.put("lag", r.get("lag"));
                    row.put("lastContactMs", r.get("lastContactMs"));
                    row.put("inIsr", r.get("inIsr"));
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    @Command(name = "elect-leaders", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Hand each partition's leadership to its preferred replica (the first of its replicas) where"
                    + " another replica leads, as kafka-leader-election --election-type PREFERRED does. Without --topic:"
                    + " every partition of every topic, listing only those where something was done or failed.",
            footer = {"", "Examples:", "  kayak-admin.sh partitions elect-leaders",
                    "  kayak-admin.sh partitions elect-leaders --topic orders",
                    "  kayak-admin.sh partitions elect-leaders --topic orders --partition 2 --json"})
    static final class ElectLeaders implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Spec
        CommandSpec spec;

        @Option(names = "--topic", description = "only this topic's partitions")
        String topic;

        @Option(names = "--partition", description = "only this partition of --topic")
        Integer partition;

        @Override
        public Integer call() {
            if (partition != null && topic == null) {
                throw new ParameterException(spec.commandLine(), "--partition needs --topic");
            }
            return kafka.withAdmin(admin -> elect(admin));
        }

        private void elect(Admin admin) {
            Set<TopicPartition> targets = targets(admin);
            Map<TopicPartition, Optional<Throwable>> results = kafka.await(
                    admin.electLeaders(ElectionType.PREFERRED, targets).partitions(), "electing preferred leaders");
            List<Map<String, Object>> rows = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            Map<TopicPartition, Optional<Throwable>> sorted = new TreeMap<>(
                    java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            sorted.putAll(results);
            for (Map.Entry<TopicPartition, Optional<Throwable>> e : sorted.entrySet()) {
                Throwable error = e.getValue().orElse(null);
                String outcome = error == null ? "elected" : error instanceof ElectionNotNeededException ? "already-preferred" : "failed";
                if (outcome.equals("failed")) {
                    failures.add(e.getKey() + ": " + error.getMessage());
                }
                rows.add(fields("topic", e.getKey().topic(), "partition", e.getKey().partition(), "result", outcome,
                        "message", error == null || outcome.equals("already-preferred") ? null : error.getMessage()));
            }
            kafka.print(fields("partitions", rows), rows.isEmpty() ? "Every partition is led by its preferred replica."
                    : Output.table(rows));
            if (!failures.isEmpty()) {
                throw new CommandFailedException(failures.size() + " partition(s) kept their leader: " + String.join("; ", failures)
                        + " (the preferred replica must be alive and in the ISR; see `kayak-admin.sh topics describe`)");
            }
        }

        /** The partitions asked for, checked to exist; null for every partition of the cluster. */
        private Set<TopicPartition> targets(Admin admin) {
            if (topic == null) {
                return null;
            }
            TopicDescription d = kafka.await(admin.describeTopics(Set.of(topic)).allTopicNames(), "describing topic " + topic)
                    .get(topic);
            int count = d.partitions().size();
            if (partition != null) {
                if (partition < 0 || partition >= count) {
                    throw new CommandFailedException("topic " + topic + " has no partition " + partition + " (it has partitions 0 to "
                            + (count - 1) + ")");
                }
                return Set.of(new TopicPartition(topic, partition));
            }
            Set<TopicPartition> all = new java.util.HashSet<>();
            for (int i = 0; i < count; i++) {
                all.add(new TopicPartition(topic, i));
            }
            return all;
        }
    }
}
