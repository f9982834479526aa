package io.kayak.network.server;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.kayak.network.protocol.ApiVersionTable;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Per-API request metrics on the node's Dropwizard registry, for every API in the version table:
 * {@code kayak.request.<Api>.requests} and {@code .errors} (meters), {@code .latency} (a timer from decoding to the
 * response being queued on the connection; percentiles from its reservoir), {@code .bytes-in} and {@code .bytes-out}
 * (meters of frame bytes). Metrics are created once, at construction; recording allocates nothing.
 * Thread-safe. {@link #close} removes them.
 *
 * <p>{@code errors} counts the requests of a known API that got no regular answer: a version the table does not serve
 * (including ApiVersions, answered in v0 with {@code UNSUPPORTED_VERSION}), a body that does not parse, a handler
 * that failed, or a response that could not be encoded; all but the ApiVersions case close the connection. It does
 * not count error codes inside a response (a {@code NOT_LEADER_OR_FOLLOWER} partition, a refused topic: those are
 * answers), nor frames without a readable header or with an unknown API key, which have no API to count against.
 * Unlike Kafka's {@code ErrorsPerSec} it is therefore not broken down by error code.
 */
public final class RequestMetrics implements AutoCloseable {
    private static final String PREFIX = "kayak.request.";

    private final MetricRegistry registry;
    private final Map<ApiKeys, Api> apis = new EnumMap<>(ApiKeys.class);

    private record Api(Meter requests, Meter errors, Timer latency, Meter bytesIn, Meter bytesOut) {
    }

    public RequestMetrics(MetricRegistry registry, ApiVersionTable versions) {
        this.registry = registry;
        for (ApiKeys key : versions.ranges().keySet()) {
            String base = PREFIX + key.name + ".";
            apis.put(key, new Api(registry.meter(base + "requests"), registry.meter(base + "errors"),
                    registry.timer(base + "latency"), registry.meter(base + "bytes-in"), registry.meter(base + "bytes-out")));
        }
    }

    void received(ApiKeys key, int bytes) {
        Api a = apis.get(key);
        if (a != null) {
            a.requests.mark();
            a.bytesIn.mark(bytes);
        }
    }

    void answered(ApiKeys key, long receivedNanos, int bytes) {
        Api a = apis.get(key);
        if (a != null) {
            a.latency.update(System.nanoTime() - receivedNanos, TimeUnit.NANOSECONDS);
            a.bytesOut.mark(bytes);
        }
    }

    void failed(ApiKeys key) {
        Api a = apis.get(key);
        if (a != null) {
            a.errors.mark();
        }
    }

    @Override
    public void close() {
        registry.removeMatching((name, metric) -> name.startsWith(PREFIX));
    }
}
