package io.kayak.broker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A scrape parsed by an independent Prometheus parser: the official Python client's
 * ({@code prometheus_client.parser}, Debian's python3-prometheus-client, installed by .ci/run). A text it cannot
 * parse fails the test. No Java parser of the text format is published on Maven Central.
 */
final class PrometheusText {
    private static final String PARSER = String.join("\n",
            "import json, sys",
            "from prometheus_client.parser import text_string_to_metric_families",
            "out = []",
            "for family in text_string_to_metric_families(sys.stdin.read()):",
            "    for s in family.samples:",
            "        out.append({'family': family.name, 'type': family.type, 'name': s.name, 'labels': s.labels, 'value': s.value})",
            "json.dump(out, sys.stdout)");

    record Sample(String family, String type, String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    static PrometheusText parse(String text) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", PARSER).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("the Prometheus parser did not finish");
        }
        assertEquals(0, p.exitValue(), "prometheus_client could not parse the scrape:\n" + text);
        List<Sample> samples = new ArrayList<>();
        for (JsonNode n : new ObjectMapper().readTree(out)) {
            Map<String, String> labels = new HashMap<>();
            n.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            samples.add(new Sample(n.get("family").asText(), n.get("type").asText(), n.get("name").asText(), labels,
                    n.get("value").asDouble()));
        }
        return new PrometheusText(samples);
    }

    List<Sample> samples() {
        return samples;
    }

    List<Sample> named(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The sum of every sample of {@code name} whose labels pass {@code labels}; 0 when there is none. */
    double sum(String name, Predicate<Map<String, String>> labels) {
        return named(name).stream().filter(s -> labels.test(s.labels())).mapToDouble(Sample::value).sum();
    }

    boolean has(String name) {
        return !named(name).isEmpty();
    }
}
