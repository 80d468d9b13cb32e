package io.jsock.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A peer for the side-by-side runs: Netty 4.2's echo server as Netty's own example writes it, on the
 * native epoll transport, the native io_uring transport, or NIO (each a {@link MultiThreadIoEventLoopGroup}
 * with that transport's IoHandler). Usage: {@code NettyEcho epoll|uring|nio ADDR:PORT [THREADS]}; one
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
        String transport = args.length < 2 ? "" : args[0];
        if (!List.of("epoll", "uring", "nio").contains(transport)) {
            System.err.println("usage: NettyEcho epoll|uring|nio ADDR:PORT [THREADS]");
            System.exit(2);
        }
        Throwable unavailable = switch (transport) {
            case "epoll" -> Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            case "uring" -> IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
            default -> null;
        };
        if (unavailable != null) {
            System.err.println("netty: native " + transport + " unavailable: " + unavailable);
            System.exit(1);
        }
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int colon = args[1].lastIndexOf(':');
        InetSocketAddress bind = new InetSocketAddress(args[1].substring(0, colon), Integer.parseInt(args[1].substring(colon + 1)));
        IoHandlerFactory io = switch (transport) {
            case "epoll" -> EpollIoHandler.newFactory();
            case "uring" -> IoUringIoHandler.newFactory();
            default -> NioIoHandler.newFactory();
        };
        Class<? extends ServerChannel> type = switch (transport) {
            case "epoll" -> EpollServerSocketChannel.class;
            case "uring" -> IoUringServerSocketChannel.class;
            default -> NioServerSocketChannel.class;
        };
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, io);
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
