package io.kayak.metadata;

/** A listener a broker serves on: its name (PLAINTEXT...), host and port, as advertised to clients. */
public record Endpoint(String listener, String host, int port) {
    public Endpoint {
        if (listener == null || listener.isEmpty() || host == null || host.isEmpty() || port < 0 || port > 65_535) {
            throw new IllegalArgumentException("invalid endpoint " + listener + "://" + host + ":" + port);
        }
    }

    @Override
    public String toString() {
        return listener + "://" + host + ":" + port;
    }
}
