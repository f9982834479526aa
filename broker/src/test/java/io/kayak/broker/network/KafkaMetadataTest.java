package io.kayak.broker.network;

import static io.kayak.broker.replica.ReplicatedCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.replica.ReplicatedCluster;
import io.kayak.metadata.PartitionImage;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real Kafka Java AdminClient (kafka-clients from Maven Central) against three in-process Kayak nodes:
 * version negotiation, DescribeCluster and Metadata answered from the metadata image, and a node's failure
 * showing up as an offline replica and a smaller ISR.
 */
@Tag("integration")
class KafkaMetadataTest extends ClusterTest {
    private Admin admin;

    @AfterEach
    void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }

    private Admin admin() {
        String bootstrap = cluster.servers.values().stream()
                .map(s -> "127.0.0.1:" + s.kafkaServers().get(0).port()).collect(Collectors.joining(","));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        return Admin.create(p);
    }

    private Map<Integer, TopicPartitionInfo> describe(String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS).get(topic);
        return d.partitions().stream().collect(Collectors.toMap(TopicPartitionInfo::partition, p -> p));
    }

    private static List<Integer> ids(Collection<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    @Test
    void theJavaAdminClientSeesBrokersTopicsLeadersAndIsrs() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of());
        admin = admin();

        DescribeClusterResult dc = admin.describeCluster();
        Collection<Node> nodes = dc.nodes().get(20, TimeUnit.SECONDS);
        assertEquals(Set.of(1, 2, 3), Set.copyOf(ids(nodes)));
        for (Node n : nodes) {
            assertEquals(cluster.configs.get(n.id()).listeners().get(0).port(), n.port(), "advertised port of node " + n.id());
        }
        assertEquals(cluster.servers.get(1).clusterId(), dc.clusterId().get(20, TimeUnit.SECONDS));
        int controller = dc.controller().get(20, TimeUnit.SECONDS).id();
        assertTrue(controller >= 1 && controller <= 3, "the metadata quorum leader is the controller: " + controller);

        cluster.createTopic("orders", 3, 3, Map.of());
        Map<Integer, TopicPartitionInfo> parts = describe("orders");
        assertEquals(3, parts.size());
        for (int p = 0; p < 3; p++) {
            PartitionImage image = cluster.partition("orders", p).orElseThrow();
            TopicPartitionInfo info = parts.get(p);
            assertEquals(image.leader(), info.leader().id(), "leader of partition " + p);
            assertEquals(image.replicas(), ids(info.replicas()), "replicas of partition " + p + ", preferred first");
            assertEquals(Set.copyOf(image.isr()), Set.copyOf(ids(info.isr())));
        }
        assertTrue(admin.listTopics().names().get(20, TimeUnit.SECONDS).contains("orders"));
        long metadataRequests = cluster.servers.values().stream()
                .mapToLong(s -> s.metricRegistry().meter("kayak.request.Metadata.requests").getCount()).sum();
        assertTrue(metadataRequests >= 2, "request metrics count what the AdminClient sent: " + metadataRequests);
        assertTrue(cluster.servers.values().stream().anyMatch(s ->
                s.metricRegistry().timer("kayak.request.DescribeCluster.latency").getCount() > 0));

        ExecutionException unknown = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> admin.describeTopics(List.of("no-such-topic")).allTopicNames().get(20, TimeUnit.SECONDS));
        assertTrue(unknown.getCause() instanceof UnknownTopicOrPartitionException, String.valueOf(unknown.getCause()));

        // A node stops: once fenced it leaves the broker list, and its replicas show as offline.
        cluster.stop(3);
        await("node 3 fenced and out of every ISR", 60, () -> cluster.everyImage(i -> i.broker(3).orElseThrow().fenced()
                && i.topic("orders").orElseThrow().partitions().stream().noneMatch(p -> p.isr().contains(3))));
        await("the AdminClient sees it", 60, () -> {
            try {
                Map<Integer, TopicPartitionInfo> now = describe("orders");
                return now.values().stream().allMatch(p -> !ids(p.isr()).contains(3) && p.leader() != null
                        && p.leader().id() != 3) && !ids(admin.describeCluster().nodes().get(20, TimeUnit.SECONDS)).contains(3);
            } catch (Exception e) {
                return false;
            }
        });
    }
}
