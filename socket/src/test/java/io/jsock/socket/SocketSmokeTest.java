package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The UNP 4 sequence end to end: socket, bind, listen, connect, accept, echo, shutdown, close. */
class SocketSmokeTest {

    @Test
    void aClientAndServerExchangeBytesAndHalfClose() throws Exception {
        try (Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            l.bind(SockAddr.parse("127.0.0.1:0"));
            l.listen(16);
            SockAddr here = l.getsockname();
            assertThat(here.port()).isPositive();
            try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
                c.connect(here);
                Accepted a = l.accept();
                try (Socket s = a.socket()) {
                    assertThat(a.peer()).isEqualTo(c.getsockname());
                    c.writeFully("hello".getBytes());
                    c.shutdown(Shutdown.WRITE);
                    byte[] got = new byte[5];
                    s.readFully(got);
                    assertThat(new String(got)).isEqualTo("hello");
                    assertThat(s.read(ByteBuffer.allocate(10))).isEqualTo(-1);
                    s.writeFully("back".getBytes());
                    byte[] back = new byte[4];
                    c.readFully(back);
                    assertThat(new String(back)).isEqualTo("back");
                }
            }
        }
    }

    @Test
    void connectingToAPortWithNoListenerIsRefused() throws Exception {
        int port = Loopback.closedPort(SocketType.STREAM);
        try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            assertThatThrownBy(() -> c.connect(SockAddr.loopback4(port)))
                    .isInstanceOfSatisfying(ErrnoConnectException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ECONNREFUSED))
                    .hasMessage("connect 127.0.0.1:" + port + ": ECONNREFUSED (Connection refused)");
        }
    }

    @Test
    void hundredsOfVirtualThreadsBlockedInAcceptAndReadLeaveCarriersFree() throws Exception {
        int n = 300;
        List<Socket> sockets = new ArrayList<>();
        CountDownLatch woke = new CountDownLatch(n);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
            l.bind(SockAddr.parse("127.0.0.1:0"));
            l.listen(1);
            sockets.add(l);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    l.accept();
                } catch (SocketClosedException expected) {
                    woke.countDown();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        Thread.sleep(200);
        CountDownLatch ran = new CountDownLatch(1);
        Thread.ofVirtual().start(ran::countDown);
        assertThat(ran.await(10, TimeUnit.SECONDS)).as("a new virtual thread runs while 300 are blocked").isTrue();
        sockets.forEach(Socket::close);
        assertThat(woke.await(10, TimeUnit.SECONDS)).as("closing wakes every blocked accept").isTrue();
        for (Thread t : threads) t.join(5000);
    }

    @Test
    void closingWakesAPlatformThreadBlockedInRead() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        CountDownLatch woke = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                pair[0].read(ByteBuffer.allocate(1));
            } catch (SocketClosedException expected) {
                woke.countDown();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(200);
        pair[0].close();
        assertThat(woke.await(10, TimeUnit.SECONDS)).isTrue();
        pair[1].close();
        t.join();
    }

    @Test
    void severalVirtualThreadsAcceptingOnOneListenerAreEachServed() throws Exception {
        try (Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            l.bind(SockAddr.parse("127.0.0.1:0"));
            l.listen(16);
            int n = 8;
            CountDownLatch accepted = new CountDownLatch(n);
            List<Thread> acceptors = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                acceptors.add(Thread.ofVirtual().start(() -> {
                    try (Socket s = l.accept().socket()) {
                        accepted.countDown();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            Thread.sleep(100); // let them all park on the one listener
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
                c.connect(l.getsockname());
                clients.add(c);
            }
            assertThat(accepted.await(10, TimeUnit.SECONDS)).as("every parked acceptor got a connection").isTrue();
            clients.forEach(Socket::close);
            for (Thread t : acceptors) t.join(5000);
        }
    }
}
