package io.kayak.network.server;

import io.kayak.network.handler.ApiDispatcher;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.protocol.ResponseEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: decodes each length-delimited frame into a {@link KafkaRequest}, dispatches it, and
 * writes the responses in request order even when later requests finish first (Kafka clients match responses
 * by order as well as correlation id).
 *
 * <p>Bad input closes this connection and nothing else: an unparsable header or body, an unknown API key, an
 * unsupported version (except ApiVersions, which is answered in version 0 with {@code UNSUPPORTED_VERSION} so
 * the client can retry lower), a frame over {@code socket.request.max.bytes}.
 *
 * <p>Thread model: every method runs on the channel's event loop; handler futures complete anywhere and hop
 * back to it. At most {@link #MAX_IN_FLIGHT} requests are pending per connection; beyond that the channel
 * stops reading until responses drain.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);
    static final int MAX_IN_FLIGHT = 64;

    private final ApiDispatcher dispatcher;
    private final String listener;
    private final RequestMetrics metrics;
    private final ArrayDeque<Slot> pending = new ArrayDeque<>();
    /** The peer's address as group descriptions show it; read once, on the event loop. */
    private String clientHost;

    /** One request's place in the response order. */
    private static final class Slot {
        final RequestHeader header;
        final short responseVersion;
        final long receivedNanos = System.nanoTime();
        boolean done;
        ApiMessage response;

        Slot(RequestHeader header, short responseVersion) {
            this.header = header;
            this.responseVersion = responseVersion;
        }
    }

    ConnectionHandler(ApiDispatcher dispatcher, String listener, RequestMetrics metrics) {
        this.dispatcher = dispatcher;
        this.listener = listener;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            ByteBuffer nio = frame.nioBuffer();
            RequestHeader header = parseHeader(ctx, nio);
            if (header == null) {
                return;
            }
            ApiKeys key = header.apiKey();
            metrics.received(key, frame.readableBytes() + 4);
            if (!dispatcher.versions().supports(key, header.apiVersion())) {
                metrics.failed(key);
                refuseVersion(ctx, header);
                return;
            }
            ApiMessage body = ApiMessageType.fromApiKey(key.id).newRequest();
            try {
                body.read(new ByteBufferAccessor(nio), header.apiVersion());
            } catch (RuntimeException e) {
                metrics.failed(key);
                closeOnBadInput(ctx, "a malformed " + key + " v" + header.apiVersion() + " body: " + e);
                return;
            }
            Slot slot = new Slot(header, header.apiVersion());
            pending.add(slot);
            if (pending.size() >= MAX_IN_FLIGHT) {
                ctx.channel().config().setAutoRead(false);
            }
            dispatcher.dispatch(new KafkaRequest(header, body, listener, clientHost(ctx))).whenComplete((response, error) ->
                    ctx.executor().execute(() -> complete(ctx, slot, response, error)));
        } finally {
            frame.release();
        }
    }

    /** The peer as Kafka names it in group descriptions: {@code /} and the IP address. */
    private String clientHost(ChannelHandlerContext ctx) {
        if (clientHost == null) {
            java.net.SocketAddress a = ctx.channel().remoteAddress();
            clientHost = a instanceof java.net.InetSocketAddress i && i.getAddress() != null
                    ? "/" + i.getAddress().getHostAddress() : String.valueOf(a);
        }
        return clientHost;
    }

    private RequestHeader parseHeader(ChannelHandlerContext ctx, ByteBuffer nio) {
        if (nio.remaining() < 4) {
            closeOnBadInput(ctx, "a frame too short for a request header");
            return null;
        }
        short apiKey = nio.getShort(nio.position());
        if (!ApiKeys.hasId(apiKey)) {
            closeOnBadInput(ctx, "unknown API key " + apiKey);
            return null;
        }
        short version = nio.getShort(nio.position() + 2);
        if (apiKey == ApiKeys.API_VERSIONS.id && version > ApiKeys.API_VERSIONS.latestVersion() && nio.remaining() >= 8) {
            // A newer client's ApiVersions: kafka-clients cannot parse its header, but key, version and
            // correlation id lead every header version, and that is all the v0 answer needs.
            return new RequestHeader(ApiKeys.API_VERSIONS, version, null, nio.getInt(nio.position() + 4));
        }
        try {
            return RequestHeader.parse(nio);
        } catch (RuntimeException e) {
            closeOnBadInput(ctx, "an unparsable request header: " + e);
            return null;
        }
    }

    /** Kafka's rule: ApiVersions at a version we do not know is answered in v0 with our table; others close. */
    private void refuseVersion(ChannelHandlerContext ctx, RequestHeader header) {
        if (header.apiKey() != ApiKeys.API_VERSIONS) {
            closeOnBadInput(ctx, header.apiKey() + " v" + header.apiVersion() + " is not supported");
            return;
        }
        Slot slot = new Slot(header, (short) 0);
        pending.add(slot);
        complete(ctx, slot, new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(dispatcher.versions().toApiVersions()), null);
    }

    private void complete(ChannelHandlerContext ctx, Slot slot, ApiMessage response, Throwable error) {
        if (error != null) {
            metrics.failed(slot.header.apiKey());
            LOG.warn("Closing connection {}: {} v{} failed: {}", ctx.channel().remoteAddress(), slot.header.apiKey(),
                    slot.header.apiVersion(), error.toString());
            ctx.close();
            return;
        }
        slot.done = true;
        slot.response = response;
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peek().done) {
            Slot s = pending.poll();
            if (s.response != null && ctx.channel().isActive()) {
                try {
                    ResponseEncoder.Encoded out = ResponseEncoder.encode(ctx.alloc(), s.header.apiKey(), s.responseVersion,
                            s.header.correlationId(), s.response);
                    metrics.answered(s.header.apiKey(), s.receivedNanos, out.bytes());
                    for (Object part : out.parts()) {
                        ctx.write(part);
                    }
                    wrote = true;
                } catch (RuntimeException e) {
                    metrics.failed(s.header.apiKey());
                    // A handler set a field this version cannot carry: a bug, but one connection's, not the node's.
                    LOG.warn("Closing connection {}: the {} v{} response cannot be encoded", ctx.channel().remoteAddress(),
                            s.header.apiKey(), s.responseVersion, e);
                    ctx.close();
                    return;
                }
            }
        }
        if (wrote) {
            ctx.flush();
        }
        if (pending.size() < MAX_IN_FLIGHT && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void closeOnBadInput(ChannelHandlerContext ctx, String what) {
        LOG.info("Closing connection {} on listener {}: {}", ctx.channel().remoteAddress(), listener, what);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            closeOnBadInput(ctx, cause.getMessage());
        } else {
            LOG.debug("Connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
