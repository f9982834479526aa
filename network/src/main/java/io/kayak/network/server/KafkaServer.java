package io.kayak.network.server;

import io.kayak.network.handler.ApiDispatcher;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka protocol server of one listener: Netty (epoll where available, else NIO), frames delimited by a
 * 4-byte length and capped at {@code socket.request.max.bytes}, one {@link ConnectionHandler} per connection.
 * Owns its event loops; {@link #close} stops accepting, closes every connection and shuts the loops down.
 */
public final class KafkaServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaServer.class);
    /** The length prefix of every Kafka frame. */
    private static final int SIZE_FIELD_BYTES = 4;

    private final String listener;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;
    private final AtomicBoolean closed = new AtomicBoolean();

    private KafkaServer(String listener, EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
        this.listener = listener;
        this.boss = boss;
        this.workers = workers;
        this.channel = channel;
    }

    /**
     * Binds {@code host:port} (port 0: an ephemeral one) for {@code listener}.
     *
     * @param requestMaxBytes {@code socket.request.max.bytes}: a frame whose size field is larger closes its
     *                        connection (Kafka's rule: the size field, not counting its own four bytes)
     */
    public static KafkaServer start(String listener, String host, int port, int requestMaxBytes, int ioThreads,
                                    ApiDispatcher dispatcher, RequestMetrics metrics) throws IOException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(ioThreads, io);
        try {
            Channel ch = new ServerBootstrap().group(boss, workers).channel(type)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline()
                                    .addLast("frames", new LengthFieldBasedFrameDecoder(frameMaxBytes(requestMaxBytes),
                                            0, SIZE_FIELD_BYTES, 0, SIZE_FIELD_BYTES))
                                    .addLast("requests", new ConnectionHandler(dispatcher, listener, metrics));
                        }
                    })
                    .bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
            LOG.info("Kafka listener {} on {} ({})", listener, ch.localAddress(), epoll ? "epoll" : "nio");
            return new KafkaServer(listener, boss, workers, ch);
        } catch (RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("listener " + listener + " cannot bind " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Netty's frame limit counts the size field too, Kafka's {@code socket.request.max.bytes} does not: a request of
     * exactly the maximum must pass.
     */
    static int frameMaxBytes(int requestMaxBytes) {
        return (int) Math.min((long) requestMaxBytes + SIZE_FIELD_BYTES, Integer.MAX_VALUE);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public String listener() {
        return listener;
    }

    /** Idempotent: a crash path that closes the listener first and the whole node after calls it twice. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
