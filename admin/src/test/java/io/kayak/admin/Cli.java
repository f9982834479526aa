package io.kayak.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real CLI entry point in this JVM and captures what it printed; JSON output is read with Jackson. */
final class Cli {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Cli() {
    }

    record Result(List<String> args, int exit, String out, String err, long millis) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException("not JSON: " + this, e);
            }
        }

        @Override
        public String toString() {
            return "kayak-admin.sh " + String.join(" ", args) + " -> exit " + exit + " in " + millis + " ms\n--- stdout:\n"
                    + out + "--- stderr:\n" + err;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int exit = KayakAdmin.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(List.of(args), exit, out.toString(), err.toString(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** A command against the cluster at {@code bootstrap}: {@code --bootstrap-server} goes after the command words. */
    static Result kafka(String bootstrap, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-server");
        all.add(bootstrap);
        return run(all.toArray(String[]::new));
    }
}
