package io.kayak.broker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.kayak.broker.metrics.NodeMetrics;
import io.kayak.broker.metrics.PrometheusExport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code GET /metrics}: every metric of the node in Prometheus text format ({@link NodeMetrics#writePrometheus}).
 * Rendered to memory first, so a failing metric answers 500 with a message instead of a truncated body.
 */
public final class MetricsHandler implements HttpHandler {
    private final NodeMetrics metrics;

    public MetricsHandler(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            metrics.writePrometheus(out);
        } catch (IOException | RuntimeException e) {
            HttpReplies.error(exchange, 500, "metrics could not be rendered: " + e);
            return;
        }
        HttpReplies.send(exchange, 200, PrometheusExport.CONTENT_TYPE, out.toByteArray());
    }
}
