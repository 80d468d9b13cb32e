package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unix domain sockets (paths, abstract names, SO_PEERCRED, datagrams, seqpacket) and netlink sockets (PF_ROUTE on Linux). */
class LocalAndNetlinkTest {

    @Test
    void aUnixStreamListenerOnAPathAcceptsAndNamesBothEnds(@TempDir Path dir) throws IOException {
        SockAddr path = SockAddr.of(dir.resolve("echo.sock"));
        try (Socket l = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            l.bind(path);
            l.listen(4);
            assertThat(Files.exists(dir.resolve("echo.sock"))).as("bind makes the file").isTrue();
            assertThat(l.getsockname()).isEqualTo(path);
            try (Socket c = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
                c.connect(path);
                Accepted a = l.accept();
                try (Socket s = a.socket()) {
                    assertThat(a.peer()).as("an unbound client is unnamed").isEqualTo(SockAddr.Local.path(""));
                    assertThat(c.getpeername()).isEqualTo(path);
                    assertThat(s.getsockname()).isEqualTo(path);
                    c.writeFully("ping".getBytes());
                    byte[] got = new byte[4];
                    s.readFully(got);
                    assertThat(new String(got)).isEqualTo("ping");
                }
            }
        }
    }

    @Test
    void anAbstractNameNeedsNoFileAndReadsBackWithItsAt() throws IOException {
        SockAddr name = SockAddr.parse("@" + Loopback.uniqueName("abstract"));
        try (Socket l = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            l.bind(name);
            l.listen(4);
            assertThat(l.getsockname()).isEqualTo(name);
            assertThat(l.getsockname().toString()).startsWith("@jsock-test-");
            try (Socket c = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
                c.connect(name);
                try (Socket s = l.accept().socket()) {
                    assertThat(c.getpeername()).isEqualTo(name);
                    s.writeFully(new byte[] {9});
                    assertThat(c.inputStream().read()).isEqualTo(9);
                }
            }
        }
        try (Socket again = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            again.bind(name); // the name went with the socket: no file to unlink
        }
    }

    @Test
    void soPeercredNamesThePeerProcess() throws IOException {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket a = pair[0]; Socket b = pair[1]) {
            PeerCred cred = a.getOption(SockOpt.SO_PEERCRED);
            assertThat(cred.pid()).isEqualTo((int) ProcessHandle.current().pid());
            assertThat(cred.uid()).isEqualTo(Loopback.uid());
            assertThat(cred.gid()).isEqualTo(Loopback.gid());
            assertThat(b.getOption(SockOpt.SO_PEERCRED)).isEqualTo(cred);
        }
    }

    @Test
    void unixDatagramsCarryTheSendersPath(@TempDir Path dir) throws IOException {
        SockAddr pa = SockAddr.of(dir.resolve("a")), pb = SockAddr.of(dir.resolve("b"));
        try (Socket a = Socket.open(Family.LOCAL, SocketType.DGRAM, Protocol.DEFAULT);
                Socket b = Socket.open(Family.LOCAL, SocketType.DGRAM, Protocol.DEFAULT)) {
            a.bind(pa);
            b.bind(pb);
            a.sendto(ByteBuffer.wrap("hi".getBytes()), pb);
            ByteBuffer buf = ByteBuffer.allocate(16);
            Socket.Received r = b.recvfrom(buf);
            assertThat(r.length()).isEqualTo(2);
            assertThat(r.from()).isEqualTo(pa);
        }
    }

    @Test
    void recvfromSaysNoSenderWhenTheKernelGivesNone() throws IOException {
        Socket[] dgram = Socket.pair(Family.LOCAL, SocketType.DGRAM); // unbound: no names
        try (Socket a = dgram[0]; Socket b = dgram[1]) {
            a.write(ByteBuffer.wrap(new byte[] {1}));
            assertThat(b.recvfrom(ByteBuffer.allocate(4))).isEqualTo(new Socket.Received(1, null));
        }
        Socket[] tcp = Loopback.tcpPair();
        try (Socket c = tcp[0]; Socket s = tcp[1]) {
            c.writeFully(new byte[] {2, 3});
            Socket.Received r = s.recvfrom(ByteBuffer.allocate(4));
            assertThat(r.length()).isEqualTo(2);
            assertThat(r.from()).as("a stream socket's recvfrom has no address").isNull();
        }
    }

    @Test
    void seqpacketKeepsMessageBoundariesAndEndsWithEndOfStream() throws IOException {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.SEQPACKET);
        try (Socket a = pair[0]; Socket b = pair[1]) {
            a.writeFully("one".getBytes());
            a.writeFully("three".getBytes());
            ByteBuffer buf = ByteBuffer.allocate(64);
            assertThat(b.read(buf)).isEqualTo(3);
            buf.clear();
            assertThat(b.read(buf)).isEqualTo(5);
            a.close();
            buf.clear();
            assertThat(b.read(buf)).isEqualTo(-1);
        }
    }

    /*
     * A Unix listener is full with backlog + 1 connections queued; then a connect(2) that would block
     * waits for room (a non-blocking one says EAGAIN, which jsock turns back into waiting).
     */
    @Test
    void aUnixConnectWaitsForRoomInAFullBacklogAndCloseWakesIt() throws Exception {
        SockAddr name = SockAddr.parse("@" + Loopback.uniqueName("full"));
        try (Socket l = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            l.bind(name);
            l.listen(1);
            java.util.List<Socket> queued = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket c = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT);
                    queued.add(c);
                    c.connect(name, java.time.Duration.ofSeconds(10));
                }
                Socket waiting = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT);
                queued.add(waiting);
                var connected = new java.util.concurrent.CompletableFuture<Void>();
                Thread t = Thread.ofVirtual().start(() -> {
                    try {
                        waiting.connect(name);
                        connected.complete(null);
                    } catch (Throwable e) {
                        connected.completeExceptionally(e);
                    }
                });
                Loopback.awaitWaiting(t);
                assertThat(connected).as("no room: connect waits").isNotDone();
                l.accept().socket().close(); // makes room
                connected.get(20, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(waiting.getpeername()).isEqualTo(name);

                Socket another = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT);
                queued.add(another);
                var refused = new java.util.concurrent.CompletableFuture<Void>();
                Thread t2 = Thread.ofPlatform().start(() -> {
                    try {
                        another.connect(name);
                        refused.complete(null);
                    } catch (Throwable e) {
                        refused.completeExceptionally(e);
                    }
                });
                Loopback.awaitWaiting(t2);
                another.close();
                assertThat(refused).failsWithin(java.time.Duration.ofSeconds(20))
                        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                        .havingCause().isInstanceOf(SocketClosedException.class);
            } finally {
                queued.forEach(Socket::close);
            }
        }
    }

    @Test
    void aNetlinkRouteSocketOpensAndBindsToAKernelAssignedPortId() throws IOException {
        try (Socket nl = Socket.open(Family.ROUTE, SocketType.DGRAM, Protocol.of(0))) {
            assertThat(nl.getOption(SockOpt.SO_DOMAIN)).isEqualTo(Family.ROUTE);
            nl.bind(new SockAddr.Netlink(0, 0)); // pid 0: the kernel assigns the port id
            SockAddr name = nl.getsockname();
            assertThat(name).isInstanceOf(SockAddr.Netlink.class);
            assertThat(((SockAddr.Netlink) name).pid()).isNotZero();
            assertThat(name.family()).isEqualTo(Family.ROUTE);
            assertThat(name.toString()).startsWith("netlink:");
        }
    }

    @Test
    void aNetlinkSockDiagSocketOpensAndBinds() throws IOException {
        try (Socket nl = Socket.open(Family.ROUTE, SocketType.RAW, Protocol.NETLINK_SOCK_DIAG)) {
            assertThat(nl.getOption(SockOpt.SO_PROTOCOL).value()).isEqualTo(4);
            nl.bind(new SockAddr.Netlink(0, 0));
            assertThat(nl.getsockname()).isInstanceOfSatisfying(SockAddr.Netlink.class, a -> assertThat(a.pid()).isNotZero());
        }
    }
}
