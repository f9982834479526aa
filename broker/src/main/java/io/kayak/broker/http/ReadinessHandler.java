package io.kayak.broker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /ready}, for orchestrators: 200 once the node can serve (see the node's readiness conditions), 503
 * with the conditions still unmet until then. {@code /health} (liveness) only says the process answers.
 */
public final class ReadinessHandler implements HttpHandler {
    private final Supplier<List<String>> unmet;

    /** @param unmet the readiness conditions not met yet; empty when ready */
    public ReadinessHandler(Supplier<List<String>> unmet) {
        this.unmet = unmet;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        List<String> waiting = unmet.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", waiting.isEmpty() ? "ready" : "not ready");
        body.put("waitingFor", waiting);
        HttpReplies.json(exchange, waiting.isEmpty() ? 200 : 503, body);
    }
}
