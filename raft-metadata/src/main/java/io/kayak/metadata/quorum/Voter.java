package io.kayak.metadata.quorum;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One voter of the metadata quorum, as {@code controller.quorum.voters} names it: {@code id@host:port}. */
public record Voter(int nodeId, String host, int port) {

    /** Parses {@code 1@127.0.0.1:9192,2@127.0.0.1:9193,...}; fails with a message naming the key. */
    public static List<Voter> parseList(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("controller.quorum.voters is required, e.g. 1@127.0.0.1:9192,2@127.0.0.1:9193,3@127.0.0.1:9194");
        }
        List<Voter> voters = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (String part : value.split(",")) {
            String s = part.trim();
            int at = s.indexOf('@');
            int colon = s.lastIndexOf(':');
            if (at <= 0 || colon <= at + 1 || colon == s.length() - 1) {
                throw new IllegalArgumentException("controller.quorum.voters entry '" + s + "' is not id@host:port");
            }
            int id;
            int port;
            try {
                id = Integer.parseInt(s.substring(0, at));
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("controller.quorum.voters entry '" + s + "' is not id@host:port", e);
            }
            if (id < 0 || port <= 0 || port > 65_535) {
                throw new IllegalArgumentException("controller.quorum.voters entry '" + s + "' has an invalid id or port");
            }
            if (!ids.add(id)) {
                throw new IllegalArgumentException("controller.quorum.voters names node " + id + " twice");
            }
            voters.add(new Voter(id, s.substring(at + 1, colon), port));
        }
        return List.copyOf(voters);
    }

    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return nodeId + "@" + host + ":" + port;
    }
}
