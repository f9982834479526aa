package io.kayak.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.metadata.record.AllocateProducerIdsRecord;
import io.kayak.metadata.record.AlterConfigsRecord;
import io.kayak.metadata.record.BrokerConfigsRecord;
import io.kayak.metadata.record.BrokerHeartbeatRecord;
import io.kayak.metadata.record.CommitOffsetsRecord;
import io.kayak.metadata.record.CreatePartitionsRecord;
import io.kayak.metadata.record.CreateTopicRecord;
import io.kayak.metadata.record.DeleteGroupOffsetsRecord;
import io.kayak.metadata.record.DeleteTopicRecord;
import io.kayak.metadata.record.GroupStateRecord;
import io.kayak.metadata.record.FenceExpiredBrokersRecord;
import io.kayak.metadata.record.MetadataRecord;
import io.kayak.metadata.record.PartitionLeaderRecord;
import io.kayak.metadata.record.PartitionQuiesceRecord;
import io.kayak.metadata.record.RecordCodec;
import io.kayak.metadata.record.RegisterBrokerRecord;
import io.kayak.metadata.record.UnknownRecordException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    private static final UUID ID = UUID.fromString("6f1c3a4e-1111-2222-3333-444455556666");

    static List<MetadataRecord> oneOfEach() {
        Map<String, String> removal = new HashMap<>();
        removal.put("retention.ms", null);
        removal.put("segment.bytes", "1024");
        return List.of(
                new RegisterBrokerRecord(1, ID, List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092)), "rack-a", 1000, 6000),
                new BrokerHeartbeatRecord(1, ID, 2000, 6000),
                new FenceExpiredBrokersRecord(3000),
                new CreateTopicRecord("orders", ID, List.of(List.of(1, 2), List.of(2, 1)), Map.of("cleanup.policy", "delete")),
                new DeleteTopicRecord("orders"),
                new CreatePartitionsRecord("orders", List.of(List.of(3, 1))),
                new AlterConfigsRecord(AlterConfigsRecord.Resource.TOPIC, "orders", removal),
                new PartitionLeaderRecord(ID, 0, 2, 7, List.of(2, 1)),
                new CommitOffsetsRecord("g", List.of(new CommittedOffset("orders", 0, 42, 7, "meta", 5000))),
                new AllocateProducerIdsRecord(1, 1000),
                new GroupStateRecord(new GroupImage("g", "consumer", "range", 3, "m-1", 7000, List.of(
                        new GroupImage.Member("m-1", null, "c1", "/127.0.0.1", 10_000, 30_000, new byte[]{1, 2}, new byte[]{3}),
                        new GroupImage.Member("m-2", "static-2", "c2", "/127.0.0.1", 10_000, 30_000, new byte[0], new byte[0])))),
                new DeleteGroupOffsetsRecord("g", false, List.of(new TopicPartition("orders", 1))),
                new AlterConfigsRecord(AlterConfigsRecord.Resource.CLUSTER, "", Map.of("log.retention.ms", "60000")),
                new BrokerConfigsRecord(2, Map.of("log.segment.bytes", "1048576")),
                new BrokerConfigsRecord(3, removal),
                new PartitionQuiesceRecord(ID, 0, 2, 7, true, 4242),
                PartitionQuiesceRecord.wake(ID, 0));
    }

    @Test
    void everyRecordTypeRoundTrips() {
        for (MetadataRecord r : oneOfEach()) {
            assertEquals(r, RecordCodec.decode(RecordCodec.encode(r)), r.type().toString());
        }
    }

    @Test
    void aNewerRecordVersionIsRefusedWithAClearError() {
        byte[] bytes = RecordCodec.encode(new DeleteTopicRecord("orders"));
        bytes[1] = 99;
        UnknownRecordException e = assertThrows(UnknownRecordException.class, () -> RecordCodec.decode(bytes));
        assertTrue(e.getMessage().contains("version 99") && e.getMessage().contains("Upgrade"), e.getMessage());
        byte[] unknownType = RecordCodec.encode(new DeleteTopicRecord("orders"));
        unknownType[0] = 120;
        assertThrows(UnknownRecordException.class, () -> RecordCodec.decode(unknownType));
    }

    @Test
    void truncatedOrPaddedRecordsAreMalformed() {
        byte[] bytes = RecordCodec.encode(new DeleteTopicRecord("orders"));
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.decode(java.util.Arrays.copyOf(bytes, bytes.length - 2)));
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.decode(java.util.Arrays.copyOf(bytes, bytes.length + 2)));
    }

    @Test
    void imageSnapshotRoundTripsAndRefusesUnknownVersions() throws IOException {
        MetadataImage image = MetadataImage.EMPTY;
        io.kayak.metadata.statemachine.RecordApplier applier = new io.kayak.metadata.statemachine.RecordApplier();
        for (MetadataRecord r : oneOfEach()) {
            if (!(r instanceof DeleteTopicRecord)) {
                image = applier.apply(image, r).image();
            }
        }
        image = image.at(3, 17);
        byte[] bytes = encode(image);
        MetadataImage back = MetadataImage.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
        assertArrayEquals(bytes, encode(back));
        assertEquals(17, back.appliedIndex());
        assertEquals(image.topics(), back.topics());
        assertEquals(image.offsets(), back.offsets());
        assertEquals(1, back.groups().size());
        assertEquals(image.groups(), back.groups());
        assertEquals(Map.of("log.retention.ms", "60000"), back.clusterConfigs());
        assertEquals(Map.of(2, Map.of("log.segment.bytes", "1048576"), 3, Map.of("segment.bytes", "1024")),
                back.brokerConfigs(), "a removal of a key never set leaves the rest");
        bytes[0] = 9;
        byte[] future = bytes;
        assertThrows(IllegalStateException.class,
                () -> MetadataImage.readFrom(new DataInputStream(new ByteArrayInputStream(future))));
    }

    @Test
    void aSnapshotOfTheFormatBeforeBrokerConfigsIsStillRead() throws IOException {
        MetadataImage image = new io.kayak.metadata.statemachine.RecordApplier().apply(MetadataImage.EMPTY,
                new AlterConfigsRecord(AlterConfigsRecord.Resource.CLUSTER, "", Map.of("log.retention.ms", "60000"))).image();
        byte[] current = encode(image);
        byte[] previous = java.util.Arrays.copyOf(current, current.length - Integer.BYTES); // no broker-config count
        previous[0] = 2;
        MetadataImage back = MetadataImage.readFrom(new DataInputStream(new ByteArrayInputStream(previous)));
        assertEquals(Map.of("log.retention.ms", "60000"), back.clusterConfigs());
        assertEquals(Map.of(), back.brokerConfigs());
        assertArrayEquals(current, encode(back), "written again in the current format");
    }

    @Test
    void brokerConfigsAreSetAndRemovedPerNodeAndNeedANodeId() {
        io.kayak.metadata.statemachine.RecordApplier applier = new io.kayak.metadata.statemachine.RecordApplier();
        MetadataImage image = applier.apply(MetadataImage.EMPTY, new BrokerConfigsRecord(1, Map.of("a", "1", "b", "2"))).image();
        assertEquals(Map.of("a", "1", "b", "2"), image.brokerConfigs(1));
        Map<String, String> removeA = new HashMap<>();
        removeA.put("a", null);
        image = applier.apply(image, new BrokerConfigsRecord(1, removeA)).image();
        assertEquals(Map.of("b", "2"), image.brokerConfigs(1));
        assertEquals(Map.of(), image.brokerConfigs(2));
        Map<String, String> removeB = new HashMap<>();
        removeB.put("b", null);
        image = applier.apply(image, new BrokerConfigsRecord(1, removeB)).image();
        assertEquals(Map.of(), image.brokerConfigs(), "a node without dynamic configs leaves no entry");
        assertFalse(applier.apply(image, new BrokerConfigsRecord(-1, Map.of("a", "1"))).result().accepted());
    }

    private static byte[] encode(MetadataImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(out)) {
            image.writeTo(d);
        }
        return out.toByteArray();
    }
}
