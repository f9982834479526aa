package io.kayak.admin;

import static io.kayak.admin.KafkaOptions.fields;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code groups list|describe|reset-offsets|delete}: consumer groups over kafka-clients' Admin API (ListGroups,
 * DescribeGroups, OffsetFetch, ListOffsets, OffsetCommit, DeleteGroups), so it works against Apache Kafka as well.
 * Resetting offsets lives in {@link OffsetReset}.
 */
@Command(name = "groups", mixinStandardHelpOptions = true,
        description = "List, describe (offsets and lag), reset the offsets of, and delete consumer groups.",
        subcommands = {GroupsCommand.ListGroups.class, GroupsCommand.Describe.class, OffsetReset.class, GroupsCommand.Delete.class})
final class GroupsCommand {
    private GroupsCommand() {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the groups with their type, state and protocol.",
            footer = {"", "Examples:", "  kayak-admin.sh groups list", "  kayak-admin.sh groups list --json"})
    static final class ListGroups implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Override
        public Integer call() {
            return kafka.withAdmin(admin -> {
                List<Map<String, Object>> rows = kafka.await(admin.listGroups().all(), "listing groups").stream()
                        .sorted(Comparator.comparing(GroupListing::groupId))
                        .map(g -> fields("group", g.groupId(), "type", g.type().map(Object::toString).orElse(null),
                                "state", g.groupState().map(Object::toString).orElse(null), "protocol",
                                g.protocol() == null || g.protocol().isEmpty() ? null : g.protocol()))
                        .toList();
                kafka.print(fields("groups", rows), Output.table(rows));
            });
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = {"Describe a consumer group: its state and members, and per partition the committed offset, the log"
                    + " end offset, the lag between them and the member that owns the partition; then the total lag."},
            footer = {"", "Examples:", "  kayak-admin.sh groups describe --group billing", "  kayak-admin.sh groups describe --group billing --json"})
    static final class Describe implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--group", required = true, description = "the group id")
        String group;

        @Override
        public Integer call() {
            return kafka.withAdmin(admin -> {
                describe(admin);
            });
        }

        private void describe(Admin admin) {
            ConsumerGroupDescription d = describeGroup(kafka, admin, group);
            Map<TopicPartition, OffsetAndMetadata> committed = committed(kafka, admin, group);
            if (d == null && committed.isEmpty()) {
                throw new CommandFailedException("group " + group + " does not exist (list the groups with `kayak-admin.sh groups list`)");
            }
            Map<TopicPartition, MemberDescription> owners = new HashMap<>();
            List<MemberDescription> idle = new ArrayList<>();
            for (MemberDescription m : d == null ? List.<MemberDescription>of() : d.members()) {
                m.assignment().topicPartitions().forEach(tp -> owners.put(tp, m));
                if (m.assignment().topicPartitions().isEmpty()) {
                    idle.add(m);
                }
            }
            Set<TopicPartition> partitions = new HashSet<>(committed.keySet());
            partitions.addAll(owners.keySet());
            Map<TopicPartition, Long> ends = logEndOffsets(kafka, admin, partitions);
            List<Map<String, Object>> rows = new ArrayList<>();
            long totalLag = 0;
            for (TopicPartition tp : partitions.stream().sorted(ORDER).toList()) {
                OffsetAndMetadata c = committed.get(tp);
                Long end = ends.get(tp);
                Long lag = c == null || end == null ? null : Math.max(0, end - c.offset());
                totalLag += lag == null ? 0 : lag;
                MemberDescription m = owners.get(tp);
                rows.add(fields("topic", tp.topic(), "partition", tp.partition(), "committedOffset", c == null ? null : c.offset(),
                        "logEndOffset", end, "lag", lag, "memberId", m == null ? null : m.consumerId(),
                        "clientId", m == null ? null : m.clientId(), "host", m == null ? null : m.host()));
            }
            for (MemberDescription m : idle) {
                rows.add(fields("topic", null, "partition", null, "committedOffset", null, "logEndOffset", null, "lag", null,
                        "memberId", m.consumerId(), "clientId", m.clientId(), "host", m.host()));
            }
            String state = d == null ? GroupState.EMPTY.toString() : d.groupState().toString();
            int members = d == null ? 0 : d.members().size();
            Integer coordinator = d == null || d.coordinator() == null ? null : d.coordinator().id();
            kafka.print(fields("group", group, "state", state, "coordinator", coordinator, "members", members,
                            "totalLag", totalLag, "partitions", rows),
                    String.format("Group: %s  State: %s  Coordinator: %s  Members: %d  TotalLag: %d%n%n%s", group, state,
                            Output.cell(coordinator), members, totalLag, Output.table(rows)));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete groups and their committed offsets. Only groups without members can be deleted.",
            footer = {"", "Examples:", "  kayak-admin.sh groups delete --group billing"})
    static final class Delete implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--group", required = true, description = "a group to delete (repeatable)")
        List<String> groups;

        @Override
        public Integer call() {
            return kafka.withAdmin(admin -> {
                kafka.await(admin.deleteConsumerGroups(groups).all(), "deleting group(s) " + String.join(", ", groups));
                kafka.print(fields("deleted", groups), "Deleted group(s) " + String.join(", ", groups) + ".");
            });
        }
    }

    static final Comparator<TopicPartition> ORDER = Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /** The group's description, or null if the coordinator does not know it (Dead, or not found). */
    static ConsumerGroupDescription describeGroup(KafkaOptions kafka, Admin admin, String group) {
        try {
            ConsumerGroupDescription d = kafka.await(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group),
                    "describing group " + group);
            return d.groupState() == GroupState.DEAD ? null : d;
        } catch (CommandFailedException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return null;
            }
            throw e;
        }
    }

    static Map<TopicPartition, OffsetAndMetadata> committed(KafkaOptions kafka, Admin admin, String group) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        kafka.await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), "reading the offsets of group " + group)
                .forEach((tp, o) -> {
                    if (o != null) {
                        out.put(tp, o);
                    }
                });
        return out;
    }

    static Map<TopicPartition, Long> logEndOffsets(KafkaOptions kafka, Admin admin, Set<TopicPartition> partitions) {
        return listOffsets(kafka, admin, partitions, OffsetSpec.latest());
    }

    static Map<TopicPartition, Long> listOffsets(KafkaOptions kafka, Admin admin, Set<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, spec));
        Map<TopicPartition, Long> out = new HashMap<>();
        if (!query.isEmpty()) {
            kafka.await(admin.listOffsets(query).all(), "listing offsets").forEach((tp, info) -> out.put(tp, info.offset()));
        }
        return out;
    }
}
