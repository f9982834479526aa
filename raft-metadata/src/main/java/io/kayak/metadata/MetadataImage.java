package io.kayak.metadata;

import io.kayak.metadata.record.Codec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An immutable picture of the cluster metadata after the record at {@link #appliedIndex()}. Readers take the
 * current image and use it without locks; every applied record produces a new image that shares the
 * unchanged parts of the old one.
 *
 * <p>Snapshot format (version {@link #SNAPSHOT_VERSION}): version(1) appliedTerm(8) appliedIndex(8)
 * nextProducerId(8), then brokers, topics, cluster configs, committed offsets, group states and per-broker configs,
 * each as a count followed by entries; each partition ends with its quiesced high watermark. Version 2 had neither
 * per-broker configs nor quiesced high watermarks, version 1 also no group states; both are still read. An unknown
 * version is refused with {@link IllegalStateException} at start.
 */
public final class MetadataImage {
    public static final byte SNAPSHOT_VERSION = 3;
    /** The previous format, still read: the same without per-broker configs and quiesced high watermarks. */
    static final byte SNAPSHOT_VERSION_NO_BROKER_CONFIGS = 2;
    /** The first format, still read: version 2 without recorded group state. */
    static final byte SNAPSHOT_VERSION_NO_GROUPS = 1;
    public static final MetadataImage EMPTY = new MetadataImage(0, -1, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), 0,
            Map.of());

    private final long appliedTerm;
    private final long appliedIndex;
    private final Map<Integer, BrokerRegistration> brokers;
    private final Map<String, TopicImage> topics;
    private final Map<String, String> clusterConfigs;
    private final Map<String, Map<TopicPartition, CommittedOffset>> offsets;
    private final Map<String, GroupImage> groups;
    private final long nextProducerId;
    private final Map<Integer, Map<String, String>> brokerConfigs;

    public MetadataImage(long appliedTerm, long appliedIndex, Map<Integer, BrokerRegistration> brokers,
                         Map<String, TopicImage> topics, Map<String, String> clusterConfigs,
                         Map<String, Map<TopicPartition, CommittedOffset>> offsets, Map<String, GroupImage> groups,
                         long nextProducerId, Map<Integer, Map<String, String>> brokerConfigs) {
        this.appliedTerm = appliedTerm;
        this.appliedIndex = appliedIndex;
        this.brokers = Collections.unmodifiableMap(new TreeMap<>(brokers));
        this.topics = Collections.unmodifiableMap(new TreeMap<>(topics));
        this.clusterConfigs = Collections.unmodifiableMap(new TreeMap<>(clusterConfigs));
        this.offsets = Collections.unmodifiableMap(new TreeMap<>(offsets));
        this.groups = Collections.unmodifiableMap(new TreeMap<>(groups));
        this.nextProducerId = nextProducerId;
        this.brokerConfigs = Collections.unmodifiableMap(new TreeMap<>(brokerConfigs));
    }

    public long appliedTerm() {
        return appliedTerm;
    }

    /** The Raft index of the last record this image reflects: its version. */
    public long appliedIndex() {
        return appliedIndex;
    }

    public Map<Integer, BrokerRegistration> brokers() {
        return brokers;
    }

    public Optional<BrokerRegistration> broker(int nodeId) {
        return Optional.ofNullable(brokers.get(nodeId));
    }

    public Map<String, TopicImage> topics() {
        return topics;
    }

    public Optional<TopicImage> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    public Optional<TopicImage> topic(UUID topicId) {
        return topics.values().stream().filter(t -> t.topicId().equals(topicId)).findFirst();
    }

    /** Configs of the whole cluster: Kafka's cluster-wide dynamic broker defaults ({@code BROKER} resource ""). */
    public Map<String, String> clusterConfigs() {
        return clusterConfigs;
    }

    /** Dynamic configs set for single brokers, by node id (Kafka's per-broker dynamic configs). */
    public Map<Integer, Map<String, String>> brokerConfigs() {
        return brokerConfigs;
    }

    /** The dynamic configs set for broker {@code nodeId} alone; empty when none are. */
    public Map<String, String> brokerConfigs(int nodeId) {
        return brokerConfigs.getOrDefault(nodeId, Map.of());
    }

    /** Committed offsets by group, then by partition. */
    public Map<String, Map<TopicPartition, CommittedOffset>> offsets() {
        return offsets;
    }

    public Map<TopicPartition, CommittedOffset> offsets(String group) {
        return offsets.getOrDefault(group, Map.of());
    }

    /** Recorded consumer-group state by group id (groups that only commit offsets have none). */
    public Map<String, GroupImage> groups() {
        return groups;
    }

    public Optional<GroupImage> group(String groupId) {
        return Optional.ofNullable(groups.get(groupId));
    }

    public long nextProducerId() {
        return nextProducerId;
    }

    /** A copy at a new position, sharing every map. */
    public MetadataImage at(long term, long index) {
        return new MetadataImage(term, index, brokers, topics, clusterConfigs, offsets, groups, nextProducerId, brokerConfigs);
    }

    public MetadataImage withBrokers(Map<Integer, BrokerRegistration> newBrokers) {
        return new MetadataImage(appliedTerm, appliedIndex, newBrokers, topics, clusterConfigs, offsets, groups,
                nextProducerId, brokerConfigs);
    }

    public MetadataImage withTopics(Map<String, TopicImage> newTopics) {
        return new MetadataImage(appliedTerm, appliedIndex, brokers, newTopics, clusterConfigs, offsets, groups,
                nextProducerId, brokerConfigs);
    }

    public MetadataImage withClusterConfigs(Map<String, String> newConfigs) {
        return new MetadataImage(appliedTerm, appliedIndex, brokers, topics, newConfigs, offsets, groups,
                nextProducerId, brokerConfigs);
    }

    public MetadataImage withOffsets(Map<String, Map<TopicPartition, CommittedOffset>> newOffsets) {
        return new MetadataImage(appliedTerm, appliedIndex, brokers, topics, clusterConfigs, newOffsets, groups,
                nextProducerId, brokerConfigs);
    }

    public MetadataImage withGroups(Map<String, GroupImage> newGroups) {
        return new MetadataImage(appliedTerm, appliedIndex, brokers, topics, clusterConfigs, offsets, newGroups,
                nextProducerId, brokerConfigs);
    }

    public MetadataImage withBrokerConfigs(Map<Integer, Map<String, String>> newConfigs) {
        return new MetadataImage(appliedTerm, appliedIndex, brokers, topics, clusterConfigs, offsets, groups, nextProducerId,
                newConfigs);
    }

    public MetadataImage withNextProducerId(long next) {
        return new MetadataImage(appliedTerm, appliedIndex, brokers, topics, clusterConfigs, offsets, groups,
                next, brokerConfigs);
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(SNAPSHOT_VERSION);
        out.writeLong(appliedTerm);
        out.writeLong(appliedIndex);
        out.writeLong(nextProducerId);
        out.writeInt(brokers.size());
        for (BrokerRegistration b : brokers.values()) {
            out.writeInt(b.nodeId());
            Codec.writeUuid(out, b.incarnationId());
            Codec.writeEndpoints(out, b.endpoints());
            Codec.writeString(out, b.rack());
            out.writeLong(b.leaseExpiryMs());
            out.writeBoolean(b.fenced());
        }
        out.writeInt(topics.size());
        for (TopicImage t : topics.values()) {
            Codec.writeString(out, t.name());
            Codec.writeUuid(out, t.topicId());
            Codec.writeStringMap(out, t.configs());
            out.writeInt(t.partitions().size());
            for (PartitionImage p : t.partitions()) {
                out.writeInt(p.partition());
                Codec.writeInts(out, p.replicas());
                out.writeInt(p.leader());
                out.writeInt(p.leaderEpoch());
                Codec.writeInts(out, p.isr());
                out.writeLong(p.quiescedHighWatermark());
            }
        }
        Codec.writeStringMap(out, clusterConfigs);
        out.writeInt(offsets.size());
        for (Map.Entry<String, Map<TopicPartition, CommittedOffset>> g : offsets.entrySet()) {
            Codec.writeString(out, g.getKey());
            out.writeInt(g.getValue().size());
            for (CommittedOffset o : g.getValue().values()) {
                o.writeTo(out);
            }
        }
        out.writeInt(groups.size());
        for (GroupImage g : groups.values()) {
            g.writeTo(out);
        }
        out.writeInt(brokerConfigs.size());
        for (Map.Entry<Integer, Map<String, String>> b : brokerConfigs.entrySet()) {
            out.writeInt(b.getKey());
            Codec.writeStringMap(out, b.getValue());
        }
    }

    public static MetadataImage readFrom(DataInput in) throws IOException {
        byte version = in.readByte();
        if (version != SNAPSHOT_VERSION && version != SNAPSHOT_VERSION_NO_BROKER_CONFIGS && version != SNAPSHOT_VERSION_NO_GROUPS) {
            throw new IllegalStateException("metadata snapshot has format version " + version + "; this build reads "
                    + SNAPSHOT_VERSION + ". Upgrade this node before it rejoins the quorum.");
        }
        long term = in.readLong();
        long index = in.readLong();
        long nextPid = in.readLong();
        Map<Integer, BrokerRegistration> brokers = new TreeMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            BrokerRegistration b = new BrokerRegistration(in.readInt(), Codec.readUuid(in), Codec.readEndpoints(in),
                    Codec.readString(in), in.readLong(), in.readBoolean());
            brokers.put(b.nodeId(), b);
        }
        Map<String, TopicImage> topics = new TreeMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            String name = Codec.readString(in);
            UUID id = Codec.readUuid(in);
            Map<String, String> configs = Codec.readStringMap(in);
            List<PartitionImage> parts = new ArrayList<>();
            for (int p = in.readInt(); p > 0; p--) {
                PartitionImage read = new PartitionImage(in.readInt(), Codec.readInts(in), in.readInt(), in.readInt(), Codec.readInts(in));
                parts.add(version >= SNAPSHOT_VERSION ? read.withQuiescedHighWatermark(in.readLong()) : read);
            }
            topics.put(name, new TopicImage(name, id, configs, parts));
        }
        Map<String, String> cluster = Codec.readStringMap(in);
        Map<String, Map<TopicPartition, CommittedOffset>> offsets = new TreeMap<>();
        for (int g = in.readInt(); g > 0; g--) {
            String group = Codec.readString(in);
            Map<TopicPartition, CommittedOffset> m = new TreeMap<>();
            for (int n = in.readInt(); n > 0; n--) {
                CommittedOffset o = CommittedOffset.read(in);
                m.put(new TopicPartition(o.topic(), o.partition()), o);
            }
            offsets.put(group, Collections.unmodifiableMap(m));
        }
        Map<String, GroupImage> groups = new TreeMap<>();
        if (version >= SNAPSHOT_VERSION_NO_BROKER_CONFIGS) {
            for (int g = in.readInt(); g > 0; g--) {
                GroupImage group = GroupImage.read(in);
                groups.put(group.groupId(), group);
            }
        }
        Map<Integer, Map<String, String>> perBroker = new TreeMap<>();
        if (version >= SNAPSHOT_VERSION) {
            for (int b = in.readInt(); b > 0; b--) {
                perBroker.put(in.readInt(), Codec.readStringMap(in));
            }
        }
        return new MetadataImage(term, index, brokers, topics, cluster, offsets, groups, nextPid, perBroker);
    }

    @Override
    public String toString() {
        return "MetadataImage[index=" + appliedIndex + ", brokers=" + brokers.keySet() + ", topics=" + topics.keySet()
                + ", groups=" + offsets.keySet() + ", nextProducerId=" + nextProducerId + "]";
    }
}
