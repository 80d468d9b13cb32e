package io.jsock.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * A peer for the side-by-side runs: Netty's echo server as Netty's own example writes it, on the
 * native epoll transport or on NIO. Usage: {@code NettyEcho epoll|nio ADDR:PORT [THREADS]}; one
 * event-loop thread by default, as jsock's {@code epoll:1} and the C reference have. Prints
 * {@code listening on ADDR:PORT} on stderr; SIGTERM closes it.
 */
public final class NettyEcho {
    private NettyEcho() {}

    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset client costs only its own connection
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("epoll") || args[0].equals("nio"))) {
            System.err.println("usage: NettyEcho epoll|nio ADDR:PORT [THREADS]");
            System.exit(2);
        }
        boolean epoll = args[0].equals("epoll");
        if (epoll && !Epoll.isAvailable()) {
            System.err.println("netty: native epoll unavailable: " + Epoll.unavailabilityCause());
            System.exit(1);
        }
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int colon = args[1].lastIndexOf(':');
        InetSocketAddress bind = new InetSocketAddress(args[1].substring(0, colon), Integer.parseInt(args[1].substring(colon + 1)));
        EventLoopGroup group = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Echo echo = new Echo();
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(type)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(echo);
                        }
                    })
                    .bind(bind).sync().channel();
            InetSocketAddress at = (InetSocketAddress) server.localAddress();
            System.err.println("listening on " + at.getAddress().getHostAddress() + ":" + at.getPort()
                    + " (netty " + args[0] + ", " + threads + " thread" + (threads == 1 ? "" : "s") + ")");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close().syncUninterruptibly();
                stopped.countDown();
            }));
            server.closeFuture().sync();
            stopped.await();
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
