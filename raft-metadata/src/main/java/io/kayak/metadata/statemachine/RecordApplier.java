package io.kayak.metadata.statemachine;

import io.kayak.metadata.ApplyResult;
import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.CommittedOffset;
import io.kayak.metadata.GroupImage;
import io.kayak.metadata.MetadataErrorCode;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.PartitionImage;
import io.kayak.metadata.TopicImage;
import io.kayak.metadata.TopicPartition;
import io.kayak.metadata.record.AllocateProducerIdsRecord;
import io.kayak.metadata.record.AlterConfigsRecord;
import io.kayak.metadata.record.BrokerConfigsRecord;
import io.kayak.metadata.record.BrokerHeartbeatRecord;
import io.kayak.metadata.record.CommitOffsetsRecord;
import io.kayak.metadata.record.DeleteGroupOffsetsRecord;
import io.kayak.metadata.record.GroupStateRecord;
import io.kayak.metadata.record.CreatePartitionsRecord;
import io.kayak.metadata.record.CreateTopicRecord;
import io.kayak.metadata.record.DeleteTopicRecord;
import io.kayak.metadata.record.FenceExpiredBrokersRecord;
import io.kayak.metadata.record.MetadataRecord;
import io.kayak.metadata.record.PartitionLeaderRecord;
import io.kayak.metadata.record.PartitionQuiesceRecord;
import io.kayak.metadata.record.RegisterBrokerRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Validates a record against an image and produces the next image: a pure, deterministic function, so
 * every node that applies the same log reaches the same images and the same refusals. A refused record
 * returns the image unchanged (apart from its position) with the reason.
 */
public final class RecordApplier {
    /** Kafka's rule for topic names. */
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final int TOPIC_NAME_MAX = 249;
    private static final int PRODUCER_ID_BLOCK_MAX = 1_000_000;

    /** The image after the record, and the record's outcome. */
    public record Outcome(MetadataImage image, ApplyResult result) {
    }

    public Outcome apply(MetadataImage image, MetadataRecord record) {
        if (record instanceof RegisterBrokerRecord r) {
            return register(image, r);
        } else if (record instanceof BrokerHeartbeatRecord r) {
            return heartbeat(image, r);
        } else if (record instanceof FenceExpiredBrokersRecord r) {
            return fenceExpired(image, r);
        } else if (record instanceof CreateTopicRecord r) {
            return createTopic(image, r);
        } else if (record instanceof DeleteTopicRecord r) {
            return deleteTopic(image, r);
        } else if (record instanceof CreatePartitionsRecord r) {
            return createPartitions(image, r);
        } else if (record instanceof AlterConfigsRecord r) {
            return alterConfigs(image, r);
        } else if (record instanceof PartitionLeaderRecord r) {
            return partitionLeader(image, r);
        } else if (record instanceof CommitOffsetsRecord r) {
            return commitOffsets(image, r);
        } else if (record instanceof AllocateProducerIdsRecord r) {
            return allocateProducerIds(image, r);
        } else if (record instanceof GroupStateRecord r) {
            return groupState(image, r);
        } else if (record instanceof DeleteGroupOffsetsRecord r) {
            return deleteGroupOffsets(image, r);
        } else if (record instanceof BrokerConfigsRecord r) {
            return brokerConfigs(image, r);
        } else if (record instanceof PartitionQuiesceRecord r) {
            return partitionQuiesce(image, r);
        }
        throw new IllegalArgumentException("no applier for " + record.type());
    }

    private static Outcome refuse(MetadataImage image, MetadataErrorCode code, String message) {
        return new Outcome(image, ApplyResult.refused(code, message));
    }

    private static Outcome accept(MetadataImage image) {
        return new Outcome(image, ApplyResult.OK);
    }

    private Outcome register(MetadataImage image, RegisterBrokerRecord r) {
        if (r.nodeId() < 0 || r.leaseMs() <= 0 || r.endpoints().isEmpty()) {
            return refuse(image, MetadataErrorCode.INVALID_REQUEST, "a registration needs a node id >= 0, endpoints and a lease");
        }
        Map<Integer, BrokerRegistration> brokers = new TreeMap<>(image.brokers());
        brokers.put(r.nodeId(), new BrokerRegistration(r.nodeId(), r.incarnationId(), r.endpoints(), r.rack(),
                r.timeMs() + r.leaseMs(), false));
        return accept(image.withBrokers(brokers));
    }

    private Outcome heartbeat(MetadataImage image, BrokerHeartbeatRecord r) {
        BrokerRegistration b = image.brokers().get(r.nodeId());
        if (b == null) {
            return refuse(image, MetadataErrorCode.UNKNOWN_BROKER, "broker " + r.nodeId() + " is not registered");
        }
        if (!b.incarnationId().equals(r.incarnationId())) {
            return refuse(image, MetadataErrorCode.STALE_BROKER_INCARNATION,
                    "broker " + r.nodeId() + " re-registered since; this heartbeat is from an older process");
        }
        Map<Integer, BrokerRegistration> brokers = new TreeMap<>(image.brokers());
        brokers.put(r.nodeId(), new BrokerRegistration(b.nodeId(), b.incarnationId(), b.endpoints(), b.rack(),
                Math.max(b.leaseExpiryMs(), r.timeMs() + r.leaseMs()), false));
        return accept(image.withBrokers(brokers));
    }

    /**
     * Fences every broker whose lease ended before the record's time. A quiesced partition with a replica on a
     * newly fenced broker stays quiesced: the fenced replicas leave its ISR, and if its leader is among them the
     * first live replica of its ISR (in assignment order) becomes its recorded leader, at the same epoch. That is
     * safe without an election because every replica of a quiesced partition holds the same log up to the
     * recorded high watermark and nothing was written since; it keeps a broker failure from waking every idle
     * partition at once. Only a quiesced partition left without a live replica in its ISR is woken.
     */
    private Outcome fenceExpired(MetadataImage image, FenceExpiredBrokersRecord r) {
        Map<Integer, BrokerRegistration> brokers = new TreeMap<>(image.brokers());
        Set<Integer> fenced = new HashSet<>();
        for (BrokerRegistration b : image.brokers().values()) {
            if (!b.fenced() && b.leaseExpiryMs() < r.nowMs()) {
                brokers.put(b.nodeId(), new BrokerRegistration(b.nodeId(), b.incarnationId(), b.endpoints(), b.rack(),
                        b.leaseExpiryMs(), true));
                fenced.add(b.nodeId());
            }
        }
        if (fenced.isEmpty()) {
            return accept(image);
        }
        Map<String, TopicImage> topics = null;
        for (TopicImage t : image.topics().values()) {
            List<PartitionImage> partitions = null;
            for (PartitionImage p : t.partitions()) {
                if (p.quiesced() && p.replicas().stream().anyMatch(fenced::contains)) {
                    if (partitions == null) {
                        partitions = new ArrayList<>(t.partitions());
                    }
                    partitions.set(p.partition(), withoutFenced(p, brokers));
                }
            }
            if (partitions != null) {
                if (topics == null) {
                    topics = new TreeMap<>(image.topics());
                }
                topics.put(t.name(), new TopicImage(t.name(), t.topicId(), t.configs(), partitions));
            }
        }
        MetadataImage withBrokers = image.withBrokers(brokers);
        return accept(topics == null ? withBrokers : withBrokers.withTopics(topics));
    }

    /** A quiesced partition without its fenced replicas: see {@link #fenceExpired}. */
    private static PartitionImage withoutFenced(PartitionImage p, Map<Integer, BrokerRegistration> brokers) {
        List<Integer> isr = p.isr().stream()
                .filter(n -> brokers.containsKey(n) && !brokers.get(n).fenced()).toList();
        int leader = isr.contains(p.leader()) ? p.leader()
                : p.replicas().stream().filter(isr::contains).findFirst().orElse(PartitionImage.NO_LEADER);
        if (leader == PartitionImage.NO_LEADER) {
            return p.withQuiescedHighWatermark(PartitionImage.RUNNING);
        }
        return new PartitionImage(p.partition(), p.replicas(), leader, p.leaderEpoch(), isr, p.quiescedHighWatermark());
    }

    static String topicNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "a topic name cannot be empty";
        }
        if (name.equals(".") || name.equals("..")) {
            return "a topic name cannot be '.' or '..'";
        }
        if (name.length() > TOPIC_NAME_MAX) {
            return "topic name is " + name.length() + " characters; the limit is " + TOPIC_NAME_MAX;
        }
        if (!TOPIC_NAME.matcher(name).matches()) {
            return "topic name '" + name + "' may contain only ASCII letters, digits, '.', '_' and '-'";
        }
        return null;
    }

    /** Why a replica assignment cannot be used, or null: non-empty lists of live, distinct brokers, equal in size. */
    private static String assignmentProblem(MetadataImage image, List<List<Integer>> assignment, int replicationFactor) {
        if (assignment.isEmpty()) {
            return "at least one partition is required";
        }
        for (int p = 0; p < assignment.size(); p++) {
            List<Integer> replicas = assignment.get(p);
            if (replicas.isEmpty()) {
                return "partition " + p + " has no replicas";
            }
            if (replicationFactor > 0 && replicas.size() != replicationFactor) {
                return "partition " + p + " has " + replicas.size() + " replicas; the topic's replication factor is "
                        + replicationFactor;
            }
            Set<Integer> seen = new HashSet<>();
            for (int id : replicas) {
                if (!seen.add(id)) {
                    return "partition " + p + " names broker " + id + " twice";
                }
                BrokerRegistration b = image.brokers().get(id);
                if (b == null) {
                    return "partition " + p + " names broker " + id + ", which is not registered";
                }
                if (b.fenced()) {
                    return "partition " + p + " names broker " + id + ", which is fenced";
                }
            }
        }
        return null;
    }

    private Outcome createTopic(MetadataImage image, CreateTopicRecord r) {
        String nameProblem = topicNameProblem(r.name());
        if (nameProblem != null) {
            return refuse(image, MetadataErrorCode.INVALID_TOPIC_NAME, nameProblem);
        }
        if (image.topics().containsKey(r.name())) {
            return refuse(image, MetadataErrorCode.TOPIC_ALREADY_EXISTS, "topic '" + r.name() + "' already exists");
        }
        if (image.topic(r.topicId()).isPresent()) {
            return refuse(image, MetadataErrorCode.INVALID_REQUEST, "topic id " + r.topicId() + " is already in use");
        }
        String problem = assignmentProblem(image, r.assignment(), r.assignment().isEmpty() ? 0 : r.assignment().get(0).size());
        if (problem != null) {
            return refuse(image, r.assignment().isEmpty() ? MetadataErrorCode.INVALID_PARTITIONS
                    : MetadataErrorCode.INVALID_REPLICA_ASSIGNMENT, problem);
        }
        List<PartitionImage> partitions = new ArrayList<>();
        for (int p = 0; p < r.assignment().size(); p++) {
            partitions.add(new PartitionImage(p, r.assignment().get(p), PartitionImage.NO_LEADER, -1, List.of()));
        }
        Map<String, TopicImage> topics = new TreeMap<>(image.topics());
        topics.put(r.name(), new TopicImage(r.name(), r.topicId(), r.configs(), partitions));
        return accept(image.withTopics(topics));
    }

    private Outcome deleteTopic(MetadataImage image, DeleteTopicRecord r) {
        if (!image.topics().containsKey(r.name())) {
            return refuse(image, MetadataErrorCode.UNKNOWN_TOPIC, "topic '" + r.name() + "' does not exist");
        }
        Map<String, TopicImage> topics = new TreeMap<>(image.topics());
        topics.remove(r.name());
        Map<String, Map<TopicPartition, CommittedOffset>> offsets = new TreeMap<>();
        for (Map.Entry<String, Map<TopicPartition, CommittedOffset>> g : image.offsets().entrySet()) {
            Map<TopicPartition, CommittedOffset> kept = new TreeMap<>(g.getValue());
            kept.keySet().removeIf(tp -> tp.topic().equals(r.name()));
            if (!kept.isEmpty()) {
                offsets.put(g.getKey(), kept.size() == g.getValue().size() ? g.getValue() : java.util.Collections.unmodifiableMap(kept));
            }
        }
        return accept(image.withTopics(topics).withOffsets(offsets));
    }

    private Outcome createPartitions(MetadataImage image, CreatePartitionsRecord r) {
        TopicImage t = image.topics().get(r.name());
        if (t == null) {
            return refuse(image, MetadataErrorCode.UNKNOWN_TOPIC, "topic '" + r.name() + "' does not exist");
        }
        if (r.newAssignments().isEmpty()) {
            return refuse(image, MetadataErrorCode.INVALID_PARTITIONS, "the new partition count must exceed the current "
                    + t.partitions().size());
        }
        String problem = assignmentProblem(image, r.newAssignments(), t.partitions().get(0).replicas().size());
        if (problem != null) {
            return refuse(image, MetadataErrorCode.INVALID_REPLICA_ASSIGNMENT, problem);
        }
        List<PartitionImage> partitions = new ArrayList<>(t.partitions());
        for (List<Integer> replicas : r.newAssignments()) {
            partitions.add(new PartitionImage(partitions.size(), replicas, PartitionImage.NO_LEADER, -1, List.of()));
        }
        Map<String, TopicImage> topics = new TreeMap<>(image.topics());
        topics.put(t.name(), new TopicImage(t.name(), t.topicId(), t.configs(), partitions));
        return accept(image.withTopics(topics));
    }

    private Outcome alterConfigs(MetadataImage image, AlterConfigsRecord r) {
        if (r.resource() == AlterConfigsRecord.Resource.CLUSTER) {
            return accept(image.withClusterConfigs(applyChanges(image.clusterConfigs(), r.changes())));
        }
        TopicImage t = image.topics().get(r.name());
        if (t == null) {
            return refuse(image, MetadataErrorCode.UNKNOWN_TOPIC, "topic '" + r.name() + "' does not exist");
        }
        Map<String, TopicImage> topics = new TreeMap<>(image.topics());
        topics.put(t.name(), new TopicImage(t.name(), t.topicId(), applyChanges(t.configs(), r.changes()), t.partitions()));
        return accept(image.withTopics(topics));
    }

    private Outcome brokerConfigs(MetadataImage image, BrokerConfigsRecord r) {
        if (r.nodeId() < 0) {
            return refuse(image, MetadataErrorCode.INVALID_REQUEST, "broker configs need a node id, not " + r.nodeId());
        }
        Map<Integer, Map<String, String>> all = new TreeMap<>(image.brokerConfigs());
        Map<String, String> changed = applyChanges(all.getOrDefault(r.nodeId(), Map.of()), r.changes());
        if (changed.isEmpty()) {
            all.remove(r.nodeId());
        } else {
            all.put(r.nodeId(), java.util.Collections.unmodifiableMap(new TreeMap<>(changed)));
        }
        return accept(image.withBrokerConfigs(all));
    }

    private static Map<String, String> applyChanges(Map<String, String> configs, Map<String, String> changes) {
        Map<String, String> out = new HashMap<>(configs);
        for (Map.Entry<String, String> c : changes.entrySet()) {
            if (c.getValue() == null) {
                out.remove(c.getKey());
            } else {
                out.put(c.getKey(), c.getValue());
            }
        }
        return out;
    }

    /** Why a record naming a partition by topic id and index names none, or null if it names one. */
    private static Outcome noSuchPartition(MetadataImage image, UUID topicId, int partition) {
        TopicImage t = image.topic(topicId).orElse(null);
        if (t == null) {
            return refuse(image, MetadataErrorCode.UNKNOWN_TOPIC, "no topic has id " + topicId);
        }
        if (partition < 0 || partition >= t.partitions().size()) {
            return refuse(image, MetadataErrorCode.INVALID_PARTITIONS, "topic '" + t.name() + "' has no partition " + partition);
        }
        return null;
    }

    /** The image with one partition of a topic replaced. */
    private static MetadataImage withPartition(MetadataImage image, TopicImage t, PartitionImage next) {
        List<PartitionImage> partitions = new ArrayList<>(t.partitions());
        partitions.set(next.partition(), next);
        Map<String, TopicImage> topics = new TreeMap<>(image.topics());
        topics.put(t.name(), new TopicImage(t.name(), t.topicId(), t.configs(), partitions));
        return image.withTopics(topics);
    }

    private Outcome partitionLeader(MetadataImage image, PartitionLeaderRecord r) {
        Outcome missing = noSuchPartition(image, r.topicId(), r.partition());
        if (missing != null) {
            return missing;
        }
        TopicImage t = image.topic(r.topicId()).orElseThrow();
        PartitionImage p = t.partitions().get(r.partition());
        if (!p.replicas().contains(r.leader()) || !r.isr().contains(r.leader()) || !p.replicas().containsAll(r.isr())) {
            return refuse(image, MetadataErrorCode.INVALID_REPLICA_ASSIGNMENT, "leader " + r.leader() + " and ISR " + r.isr()
                    + " must be replicas of " + t.name() + "-" + r.partition() + " " + p.replicas() + ", the leader in the ISR");
        }
        if (r.leaderEpoch() < p.leaderEpoch()) {
            return refuse(image, MetadataErrorCode.STALE_LEADER_EPOCH, "epoch " + r.leaderEpoch() + " is older than the recorded "
                    + p.leaderEpoch());
        }
        if (p.quiesced()) {
            // Replicas stop a quiesced group one by one; two still running may elect a leader meanwhile. That leader
            // takes no writes (the partition is quiesced) and stops too; it does not lead the partition.
            return refuse(image, MetadataErrorCode.INVALID_REQUEST, t.name() + "-" + r.partition()
                    + " is quiesced; only a wake-up starts it again");
        }
        return accept(withPartition(image, t,
                new PartitionImage(p.partition(), p.replicas(), r.leader(), r.leaderEpoch(), r.isr())));
    }

    /**
     * Quiesces a partition when the proposer is its recorded leader at the recorded epoch, and every replica is in
     * the ISR on a live broker: a stale leader, or a partition short of a replica, keeps running. A wake-up of a
     * running partition changes nothing.
     */
    private Outcome partitionQuiesce(MetadataImage image, PartitionQuiesceRecord r) {
        Outcome missing = noSuchPartition(image, r.topicId(), r.partition());
        if (missing != null) {
            return missing;
        }
        TopicImage t = image.topic(r.topicId()).orElseThrow();
        PartitionImage p = t.partitions().get(r.partition());
        PartitionImage next;
        if (!r.quiesce()) {
            if (!p.quiesced()) {
                return accept(image);
            }
            next = p.withQuiescedHighWatermark(PartitionImage.RUNNING);
        } else {
            if (p.leader() != r.leader() || p.leaderEpoch() != r.leaderEpoch()) {
                return refuse(image, MetadataErrorCode.STALE_LEADER_EPOCH, "node " + r.leader() + " at epoch " + r.leaderEpoch()
                        + " is not the recorded leader of " + t.name() + "-" + r.partition() + " (node " + p.leader()
                        + ", epoch " + p.leaderEpoch() + ")");
            }
            boolean allLive = p.replicas().stream().allMatch(n -> image.brokers().containsKey(n) && !image.brokers().get(n).fenced());
            if (!p.isr().containsAll(p.replicas()) || !allLive) {
                return refuse(image, MetadataErrorCode.INVALID_REQUEST, t.name() + "-" + r.partition()
                        + " has a replica out of the ISR " + p.isr() + " or on a fenced broker; it keeps running");
            }
            if (r.highWatermark() < 0) {
                return refuse(image, MetadataErrorCode.INVALID_REQUEST, "a quiesced high watermark cannot be negative");
            }
            next = p.withQuiescedHighWatermark(r.highWatermark());
        }
        return accept(withPartition(image, t, next));
    }

    private Outcome commitOffsets(MetadataImage image, CommitOffsetsRecord r) {
        if (r.group() == null || r.group().isEmpty()) {
            return refuse(image, MetadataErrorCode.INVALID_REQUEST, "a group id cannot be empty");
        }
        Map<TopicPartition, CommittedOffset> groupOffsets = new TreeMap<>(image.offsets(r.group()));
        for (CommittedOffset o : r.offsets()) {
            TopicImage t = image.topics().get(o.topic());
            if (t == null || o.partition() < 0 || o.partition() >= t.partitions().size()) {
                return refuse(image, MetadataErrorCode.UNKNOWN_TOPIC, "no partition " + o.topic() + "-" + o.partition());
            }
            if (o.offset() < 0) {
                return refuse(image, MetadataErrorCode.INVALID_REQUEST, "offset " + o.offset() + " for " + o.topic() + "-"
                        + o.partition() + " is negative");
            }
            groupOffsets.put(new TopicPartition(o.topic(), o.partition()), o);
        }
        Map<String, Map<TopicPartition, CommittedOffset>> offsets = new TreeMap<>(image.offsets());
        offsets.put(r.group(), java.util.Collections.unmodifiableMap(groupOffsets));
        return accept(image.withOffsets(offsets));
    }

    private Outcome groupState(MetadataImage image, GroupStateRecord r) {
        GroupImage g = r.group();
        if (g.groupId() == null || g.groupId().isEmpty() || g.generation() < 0) {
            return refuse(image, MetadataErrorCode.INVALID_REQUEST, "a group state needs a group id and a generation >= 0");
        }
        Map<String, GroupImage> groups = new TreeMap<>(image.groups());
        groups.put(g.groupId(), g);
        return accept(image.withGroups(groups));
    }

    private Outcome deleteGroupOffsets(MetadataImage image, DeleteGroupOffsetsRecord r) {
        GroupImage g = image.groups().get(r.group());
        Map<TopicPartition, CommittedOffset> current = image.offsets(r.group());
        if (g == null && current.isEmpty()) {
            return refuse(image, MetadataErrorCode.UNKNOWN_GROUP, "group '" + r.group() + "' has no offsets or state");
        }
        Map<String, Map<TopicPartition, CommittedOffset>> offsets = new TreeMap<>(image.offsets());
        if (!r.wholeGroup()) {
            Map<TopicPartition, CommittedOffset> kept = new TreeMap<>(current);
            kept.keySet().removeAll(r.partitions());
            if (kept.isEmpty()) {
                offsets.remove(r.group());
            } else {
                offsets.put(r.group(), java.util.Collections.unmodifiableMap(kept));
            }
            return accept(image.withOffsets(offsets));
        }
        if (g != null && !g.members().isEmpty()) {
            return refuse(image, MetadataErrorCode.NON_EMPTY_GROUP, "group '" + r.group() + "' has "
                    + g.members().size() + " members");
        }
        offsets.remove(r.group());
        Map<String, GroupImage> groups = new TreeMap<>(image.groups());
        groups.remove(r.group());
        return accept(image.withOffsets(offsets).withGroups(groups));
    }

    private Outcome allocateProducerIds(MetadataImage image, AllocateProducerIdsRecord r) {
        if (!image.brokers().containsKey(r.nodeId())) {
            return refuse(image, MetadataErrorCode.UNKNOWN_BROKER, "broker " + r.nodeId() + " is not registered");
        }
        if (r.blockSize() <= 0 || r.blockSize() > PRODUCER_ID_BLOCK_MAX) {
            return refuse(image, MetadataErrorCode.INVALID_REQUEST, "producer-id blocks hold 1 to " + PRODUCER_ID_BLOCK_MAX + " ids");
        }
        long first = image.nextProducerId();
        return new Outcome(image.withNextProducerId(first + r.blockSize()), ApplyResult.ok(first));
    }
}
