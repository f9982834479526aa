package io.kayak.network.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.network.handler.ApiDispatcher;
import io.kayak.network.handler.ApiHandler;
import io.kayak.network.handler.ApiVersionsHandler;
import io.kayak.network.protocol.ApiVersionTable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The protocol server over real sockets, with hand-made frames: version negotiation, response order with
 * out-of-order completions, and bad input (garbage, oversized and truncated frames, unknown keys and
 * versions) closing only the offending connection.
 */
class KafkaServerTest {
    private static final int MAX_REQUEST = 64 * 1024;

    private KafkaServer server;
    private final com.codahale.metrics.MetricRegistry registry = new com.codahale.metrics.MetricRegistry();
    private RequestMetrics metrics;
    /** Metadata requests park here, so a test decides when (and in which order) they are answered. */
    private final List<CompletableFuture<ApiMessage>> parked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        ApiVersionTable versions = ApiVersionTable.current();
        ApiHandler parking = request -> {
            CompletableFuture<ApiMessage> f = new CompletableFuture<>();
            parked.add(f);
            return f;
        };
        Map<ApiKeys, ApiHandler> handlers = new java.util.EnumMap<>(ApiKeys.class);
        versions.ranges().keySet().forEach(k -> handlers.put(k, parking));
        handlers.put(ApiKeys.API_VERSIONS, new ApiVersionsHandler(versions));
        ApiDispatcher dispatcher = new ApiDispatcher(versions, handlers);
        metrics = new RequestMetrics(registry, versions);
        server = KafkaServer.start("PLAINTEXT", "127.0.0.1", 0, MAX_REQUEST, 2, dispatcher, metrics);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static byte[] request(ApiKeys key, short version, int correlationId, ApiMessage body) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        short hv = key.requestHeaderVersion(version);
        RequestHeaderData h = new RequestHeaderData().setRequestApiKey(key.id).setRequestApiVersion(version)
                .setCorrelationId(correlationId).setClientId("test");
        int size = h.size(cache, hv) + body.size(cache, version);
        ByteBuffer b = ByteBuffer.allocate(4 + size).putInt(size);
        ByteBufferAccessor a = new ByteBufferAccessor(b);
        h.write(a, cache, hv);
        body.write(a, cache, version);
        return b.array();
    }

    /** Reads one response frame; returns its body positioned after the header (correlation id checked). */
    private static ByteBuffer response(Socket s, ApiKeys key, short version, int correlationId) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        ByteBuffer b = ByteBuffer.wrap(frame);
        ResponseHeaderData h = new ResponseHeaderData();
        h.read(new ByteBufferAccessor(b), key.responseHeaderVersion(version));
        assertEquals(correlationId, h.correlationId());
        return b;
    }

    private static ApiVersionsResponseData apiVersions(Socket s, short version, int correlationId) throws IOException {
        s.getOutputStream().write(request(ApiKeys.API_VERSIONS, version, correlationId, new ApiVersionsRequestData()
                .setClientSoftwareName("test").setClientSoftwareVersion("1")));
        ApiVersionsResponseData r = new ApiVersionsResponseData();
        r.read(new ByteBufferAccessor(response(s, ApiKeys.API_VERSIONS, version, correlationId)), version);
        return r;
    }

    private static void assertClosedByServer(Socket s) throws IOException {
        try {
            int b = s.getInputStream().read();
            assertEquals(-1, b, "the server closed the connection");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection stayed open", e);
        } catch (IOException e) {
            // reset by peer: closed as well
        }
    }

    @Test
    void apiVersionsListsTheTableAndAnUnknownVersionIsAnsweredInV0() throws IOException {
        try (Socket s = connect()) {
            ApiVersionsResponseData r = apiVersions(s, (short) 3, 1);
            assertEquals(Errors.NONE.code(), r.errorCode());
            assertEquals(12, r.apiKeys().find(ApiKeys.METADATA.id).maxVersion());
            assertEquals(ApiVersionTable.current().ranges().size(), r.apiKeys().size());

            // ApiVersions v99 from a future client: header v1, answered in v0 with UNSUPPORTED_VERSION.
            ByteBuffer b = ByteBuffer.allocate(4 + 2 + 2 + 4 + 2 + 4);
            b.putInt(b.capacity() - 4).putShort(ApiKeys.API_VERSIONS.id).putShort((short) 99).putInt(2)
                    .putShort((short) 4).put("test".getBytes());
            s.getOutputStream().write(b.array());
            ApiVersionsResponseData v0 = new ApiVersionsResponseData();
            v0.read(new ByteBufferAccessor(response(s, ApiKeys.API_VERSIONS, (short) 0, 2)), (short) 0);
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), v0.errorCode());
            assertEquals(3, v0.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion(), "the client learns what to retry with");
            assertEquals(Errors.NONE.code(), apiVersions(s, (short) 0, 3).errorCode(), "and the connection still serves");
            assertEquals(3, registry.meter("kayak.request.ApiVersions.requests").getCount());
            assertEquals(1, registry.meter("kayak.request.ApiVersions.errors").getCount(), "the unsupported version");
            assertEquals(3, registry.timer("kayak.request.ApiVersions.latency").getCount(), "three answers timed");
            assertTrue(registry.meter("kayak.request.ApiVersions.bytes-out").getCount() > 3 * 8);
            metrics.close();
            assertTrue(registry.getNames().stream().noneMatch(n -> n.startsWith("kayak.request.")), "close removes them");
        }
    }

    @Test
    void responsesLeaveInRequestOrderWhenLaterOnesFinishFirst() throws Exception {
        try (Socket s = connect()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.write(request(ApiKeys.METADATA, (short) 12, 10, new MetadataRequestData()));
            out.write(request(ApiKeys.METADATA, (short) 12, 11, new MetadataRequestData()));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (parked.size() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(2, parked.size());
            parked.get(1).complete(new MetadataResponseData().setClusterId("second"));
            parked.get(0).complete(new MetadataResponseData().setClusterId("first"));
            MetadataResponseData first = new MetadataResponseData();
            first.read(new ByteBufferAccessor(response(s, ApiKeys.METADATA, (short) 12, 10)), (short) 12);
            MetadataResponseData second = new MetadataResponseData();
            second.read(new ByteBufferAccessor(response(s, ApiKeys.METADATA, (short) 12, 11)), (short) 12);
            assertEquals("first", first.clusterId());
            assertEquals("second", second.clusterId());
        }
    }

    /** An ApiVersions v3 request whose size field is exactly {@code size}, padded through the client software fields. */
    private static byte[] apiVersionsOfSize(int size, int correlationId) {
        for (int n = Math.min(size, 2 * Short.MAX_VALUE); n > 1; n--) { // a string is at most 32767 bytes: pad both
            byte[] r = request(ApiKeys.API_VERSIONS, (short) 3, correlationId, new ApiVersionsRequestData()
                    .setClientSoftwareName("a".repeat(n / 2)).setClientSoftwareVersion("1".repeat(n - n / 2)));
            if (r.length - 4 == size) {
                return r;
            }
        }
        throw new AssertionError("no ApiVersions request of " + size + " bytes");
    }

    @Test
    void aRequestOfExactlySocketRequestMaxBytesIsServedAndOneByteMoreIsRefused() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(apiVersionsOfSize(MAX_REQUEST, 9));
            ApiVersionsResponseData r = new ApiVersionsResponseData();
            r.read(new ByteBufferAccessor(response(s, ApiKeys.API_VERSIONS, (short) 3, 9)), (short) 3);
            assertEquals(Errors.NONE.code(), r.errorCode(), "Kafka accepts a size field equal to socket.request.max.bytes");
        }
        try (Socket s = connect()) {
            s.getOutputStream().write(apiVersionsOfSize(MAX_REQUEST + 1, 10));
            assertClosedByServer(s);
        }
    }

    @Test
    void badInputClosesOnlyItsOwnConnection() throws IOException {
        try (Socket good = connect()) {
            assertEquals(Errors.NONE.code(), apiVersions(good, (short) 3, 1).errorCode());

            byte[] garbage = new byte[200];
            new Random(42).nextBytes(garbage);
            ByteBuffer.wrap(garbage).putInt(196).putShort((short) 3333); // a frame of random bytes, unknown key
            try (Socket s = connect()) {
                s.getOutputStream().write(garbage);
                assertClosedByServer(s);
            }
            try (Socket s = connect()) { // larger than socket.request.max.bytes
                s.getOutputStream().write(ByteBuffer.allocate(4).putInt(MAX_REQUEST + 1).array());
                assertClosedByServer(s);
            }
            try (Socket s = connect()) { // a known API at a version the table does not serve
                s.getOutputStream().write(request(ApiKeys.METADATA, (short) 13, 5, new MetadataRequestData()));
                assertClosedByServer(s);
            }
            try (Socket s = connect()) { // an API Kayak does not serve at all
                s.getOutputStream().write(request(ApiKeys.DELETE_ACLS, (short) 1,
                        5, new org.apache.kafka.common.message.DeleteAclsRequestData()));
                assertClosedByServer(s);
            }
            try (Socket s = connect()) { // a valid header with a body cut short
                byte[] full = request(ApiKeys.API_VERSIONS, (short) 3, 6, new ApiVersionsRequestData()
                        .setClientSoftwareName("truncated").setClientSoftwareVersion("1"));
                ByteBuffer cut = ByteBuffer.wrap(full.clone());
                cut.putInt(0, full.length - 4 - 8);
                s.getOutputStream().write(cut.array(), 0, full.length - 8);
                assertClosedByServer(s);
            }
            try (Socket s = connect()) { // a frame that never completes: the client gives up
                s.getOutputStream().write(ByteBuffer.allocate(14).putInt(100).putShort((short) 18).array());
            }
            assertEquals(Errors.NONE.code(), apiVersions(good, (short) 3, 2).errorCode(), "the good client keeps working");
            try (Socket fresh = connect()) {
                assertEquals(Errors.NONE.code(), apiVersions(fresh, (short) 3, 1).errorCode(), "and new ones are served");
            }
        }
    }
}
