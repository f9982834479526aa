package io.kayak.broker.network;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/** Kafka requests over a raw socket, for requests a well-behaved client would never send. */
final class RawKafka {
    private RawKafka() {
    }

    /** One request framed as on the wire: length, header, body. */
    private static byte[] frame(ApiKeys key, short version, int correlationId, ApiMessage body) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        short hv = key.requestHeaderVersion(version);
        RequestHeaderData h = new RequestHeaderData().setRequestApiKey(key.id).setRequestApiVersion(version)
                .setCorrelationId(correlationId).setClientId("raw");
        int size = h.size(cache, hv) + body.size(cache, version);
        ByteBuffer b = ByteBuffer.allocate(4 + size).putInt(size);
        ByteBufferAccessor a = new ByteBufferAccessor(b);
        h.write(a, cache, hv);
        body.write(a, cache, version);
        return b.array();
    }

    /** Sends one request and decodes its response with kafka-clients' generated classes. */
    static ApiMessage call(Socket s, ApiKeys key, short version, ApiMessage body) throws IOException {
        send(s, key, version, 7, body);
        return receive(s, key, version, 7);
    }

    /** Sends one request without waiting for an answer. */
    static void send(Socket s, ApiKeys key, short version, int correlationId, ApiMessage body) throws IOException {
        s.getOutputStream().write(frame(key, version, correlationId, body));
    }

    /** Reads the next response frame, which must answer {@code correlationId}, and decodes it as {@code key}. */
    static ApiMessage receive(Socket s, ApiKeys key, short version, int correlationId) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] resp = new byte[in.readInt()];
        in.readFully(resp);
        ByteBuffer r = ByteBuffer.wrap(resp);
        ResponseHeaderData header = new ResponseHeaderData();
        header.read(new ByteBufferAccessor(r), key.responseHeaderVersion(version));
        if (header.correlationId() != correlationId) {
            throw new AssertionError("the next response answers correlation id " + header.correlationId() + ", not "
                    + correlationId);
        }
        ApiMessage m = ApiMessageType.fromApiKey(key.id).newResponse();
        m.read(new ByteBufferAccessor(r), version);
        return m;
    }

    /** Whether the peer closed the connection: end of stream or a reset, within the socket's read timeout. */
    static boolean closedByPeer(Socket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }
}
