package io.kayak.broker.metrics;

import com.codahale.metrics.jmx.ObjectNameFactory;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * JMX names for the node's metrics from {@link MetricNames}: Kafka's names where Kafka has the metric
 * ({@code kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions}), {@code kayak.*} otherwise. A name
 * that does not parse (never expected) falls back to {@code kayak:name=<quoted dropwizard name>}. Stateless.
 */
public final class KafkaObjectNameFactory implements ObjectNameFactory {
    @Override
    public ObjectName createName(String type, String domain, String name) {
        try {
            return new ObjectName(MetricNames.map(name).jmx());
        } catch (MalformedObjectNameException e) {
            try {
                return new ObjectName(MetricNames.KAYAK_DOMAIN, "name", ObjectName.quote(name));
            } catch (MalformedObjectNameException impossible) {
                throw new IllegalStateException("cannot name metric " + name + " in JMX", impossible);
            }
        }
    }
}
