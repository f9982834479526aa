package io.kayak.admin;

import static io.kayak.admin.KafkaOptions.fields;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code groups reset-offsets}: moves a consumer group's committed offsets. A dry run unless {@code --execute}; both
 * are refused while the group has members, whose own commits would race the reset. A target outside a partition's
 * log (below its start, above its end) is clamped into it, as consumers would do on their next fetch. Applied with
 * one OffsetCommit (AdminClient.alterConsumerGroupOffsets), which the coordinator accepts only from outside an empty
 * group.
 */
@Command(name = "reset-offsets", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reset a consumer group's committed offsets for --topic (repeatable), or for every topic the group"
                + " committed offsets for. Shows the plan without changing anything unless --execute is given.",
                "The group must have no members: stop its consumers first."},
        footer = {"", "Examples:",
                "  kayak-admin.sh groups reset-offsets --group billing --topic orders --to-earliest",
                "  kayak-admin.sh groups reset-offsets --group billing --to-datetime 2026-01-31T12:00:00Z --execute",
                "  kayak-admin.sh groups reset-offsets --group billing --topic orders --shift-by -100 --execute"})
final class OffsetReset implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--group", required = true, description = "the group id")
    String group;

    @Option(names = "--topic", description = "a topic whose partitions to reset (repeatable; default: every topic the group committed)")
    List<String> topics = new ArrayList<>();

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Target (exactly one):%n")
    Target target;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Mode mode = new Mode();

    static final class Target {
        @Option(names = "--to-earliest", description = "the log start offset")
        boolean earliest;
        @Option(names = "--to-latest", description = "the log end offset")
        boolean latest;
        @Option(names = "--to-offset", paramLabel = "N", description = "offset N in every partition")
        Long offset;
        @Option(names = "--to-datetime", paramLabel = "T", converter = InstantConverter.class,
                description = "the first record at or after T, ISO-8601 (2026-01-31T12:00:00Z, +01:00, or UTC when no zone is given);"
                        + " the log end offset where there is none")
        Instant datetime;
        @Option(names = "--shift-by", paramLabel = "N", description = "the committed offset plus N (negative moves back)")
        Long shift;
    }

    static final class Mode {
        @Option(names = "--dry-run", description = "show the new offsets, change nothing (the default)")
        boolean dryRun;
        @Option(names = "--execute", description = "commit the new offsets")
        boolean execute;
    }

    /** ISO-8601 instants, with or without a zone (UTC if none). */
    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException withoutZone) {
                try {
                    return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e) {
                    throw new TypeConversionException("'" + value + "' is not an ISO-8601 date-time such as 2026-01-31T12:00:00Z");
                }
            }
        }
    }

    @Override
    public Integer call() {
        return kafka.withAdmin(admin -> {
            reset(admin);
        });
    }

    private void reset(Admin admin) {
        ConsumerGroupDescription d = GroupsCommand.describeGroup(kafka, admin, group);
        if (d != null && !d.members().isEmpty()) {
            throw new CommandFailedException("group " + group + " is " + d.groupState() + " with " + d.members().size()
                    + " member(s); offsets can only be reset while it has none: stop its consumers (a consumer that closes"
                    + " leaves at once, one that died after its session timeout) and run this again");
        }
        Map<TopicPartition, OffsetAndMetadata> committed = GroupsCommand.committed(kafka, admin, group);
        Set<TopicPartition> partitions = topics.isEmpty() ? committed.keySet() : partitionsOf(admin);
        if (partitions.isEmpty()) {
            throw new CommandFailedException("group " + group + " has no committed offsets to reset; name the topics with --topic");
        }
        Map<TopicPartition, Long> start = GroupsCommand.listOffsets(kafka, admin, partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> end = GroupsCommand.listOffsets(kafka, admin, partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> byTime = target.datetime == null ? Map.of()
                : GroupsCommand.listOffsets(kafka, admin, partitions, OffsetSpec.forTimestamp(target.datetime.toEpochMilli()));
        Map<TopicPartition, OffsetAndMetadata> plan = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TopicPartition tp : partitions.stream().sorted(GroupsCommand.ORDER).toList()) {
            OffsetAndMetadata current = committed.get(tp);
            long wanted = wanted(tp, current, start.get(tp), end.get(tp), byTime.get(tp));
            long clamped = Math.max(start.get(tp), Math.min(end.get(tp), wanted));
            plan.put(tp, new OffsetAndMetadata(clamped));
            rows.add(fields("group", group, "topic", tp.topic(), "partition", tp.partition(),
                    "currentOffset", current == null ? null : current.offset(), "newOffset", clamped));
        }
        if (mode.execute) {
            kafka.await(admin.alterConsumerGroupOffsets(group, plan).all(), "committing the new offsets of group " + group);
        }
        kafka.print(fields("group", group, "executed", mode.execute, "partitions", rows), Output.table(rows) + "\n"
                + (mode.execute ? "Committed the new offsets of group " + group + "."
                : "Dry run: nothing was changed. Add --execute to commit these offsets."));
    }

    private long wanted(TopicPartition tp, OffsetAndMetadata current, long start, long end, Long atTime) {
        if (target.earliest) {
            return start;
        } else if (target.latest) {
            return end;
        } else if (target.offset != null) {
            return target.offset;
        } else if (target.datetime != null) {
            return atTime == null || atTime < 0 ? end : atTime;
        }
        if (current == null) {
            throw new CommandFailedException(tp + " has no committed offset in group " + group
                    + " to shift from; use --to-earliest, --to-latest or --to-offset for it");
        }
        return current.offset() + target.shift;
    }

    private Set<TopicPartition> partitionsOf(Admin admin) {
        Set<TopicPartition> out = new HashSet<>();
        kafka.await(admin.describeTopics(topics).allTopicNames(), "describing " + String.join(", ", topics))
                .forEach((name, d) -> d.partitions().forEach(p -> out.add(new TopicPartition(name, p.partition()))));
        return out;
    }
}
