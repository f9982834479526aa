package io.kayak.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.KayakServer;
import io.kayak.broker.replica.ReplicatedCluster;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's metrics through a real JMX connection (an RMI connector server on an ephemeral port over the platform
 * MBean server), under Kafka's names: what JConsole or a Prometheus JMX exporter would read. With three nodes in one
 * JVM the first node's MBeans hold the names, as with one Kafka broker per JVM.
 */
@Tag("integration")
class JmxMetricsTest {
    @TempDir
    Path tmp;
    ReplicatedCluster cluster;
    JMXConnectorServer connectorServer;

    @AfterEach
    void close() throws Exception {
        if (connectorServer != null) {
            connectorServer.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void mbeansAreRegisteredUnderKafkaNamesAndReadable() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of());
        cluster.createTopic("jmx-topic", 3, 3, Map.of());
        connectorServer = JMXConnectorServerFactory.newJMXConnectorServer(new JMXServiceURL("service:jmx:rmi://127.0.0.1"),
                null, ManagementFactory.getPlatformMBeanServer());
        connectorServer.start();
        KayakServer node1 = cluster.servers.get(1);
        try (JMXConnector jmx = JMXConnectorFactory.connect(connectorServer.getAddress())) {
            MBeanServerConnection c = jmx.getMBeanServerConnection();
            ObjectName urp = new ObjectName("kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions");
            ObjectName partitions = new ObjectName("kafka.server:type=ReplicaManager,name=PartitionCount");
            ObjectName bytesIn = new ObjectName("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec");
            ObjectName produce = new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Produce");
            ObjectName metadata = new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Metadata");
            ObjectName metadataTime = new ObjectName("kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Metadata");
            ObjectName leo = new ObjectName("kafka.log:type=Log,name=LogEndOffset,topic=jmx-topic,partition=0");
            ObjectName heap = new ObjectName("kayak:name=jvm.memory.heap.used");
            ReplicatedCluster.await("node 1 hosts its three partitions", 30,
                    () -> ((Number) attribute(c, partitions, "Value")).longValue() == 3);
            assertEquals(0L, ((Number) c.getAttribute(urp, "Value")).longValue(), "no partition is under-replicated");
            assertTrue(((Number) c.getAttribute(heap, "Value")).longValue() > 0, "heap in use");
            assertEquals(0L, ((Number) c.getAttribute(leo, "Value")).longValue(), "an empty partition ends at 0");

            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + node1.kafkaServers().get(0).port());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 300; i++) {
                    producer.send(new ProducerRecord<>("jmx-topic", 0, "k", "v" + i));
                }
                producer.flush();
            }
            ReplicatedCluster.await("the log end offset of partition 0 reaches 300 over JMX", 30,
                    () -> ((Number) attribute(c, leo, "Value")).longValue() == 300);
            assertTrue(((Number) c.getAttribute(metadata, "Count")).longValue() > 0, "node 1, the bootstrap server, counted Metadata requests");
            assertTrue(((Number) c.getAttribute(metadataTime, "Count")).longValue() > 0, "and timed them");
            assertEquals(node1.metricRegistry().meter("kayak.request.Produce.requests").getCount(),
                    ((Number) c.getAttribute(produce, "Count")).longValue(), "Produce requests by API");
            assertEquals(node1.metricRegistry().meter("kayak.replica.bytes-in").getCount(),
                    ((Number) c.getAttribute(bytesIn, "Count")).longValue(), "the MBean reads node 1's registry");
            assertTrue(c.queryNames(new ObjectName("kayak.ratis:*"), null).size() > 0, "Ratis metrics are published");
        }
    }

    static Object attribute(MBeanServerConnection c, ObjectName name, String attribute) {
        try {
            return c.getAttribute(name, attribute);
        } catch (javax.management.InstanceNotFoundException e) {
            return -1L;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
