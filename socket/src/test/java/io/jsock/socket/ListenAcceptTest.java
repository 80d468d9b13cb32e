package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** listen(2) and accept(2) (UNP 4.5, 4.6): accept blocks, takes connections first in first out, the completed queue's size. */
class ListenAcceptTest {

    @RepeatedTest(5)
    void acceptBlocksUntilAClientCompletesTheHandshake() throws Exception {
        try (Socket l = Loopback.listener(4)) {
            CompletableFuture<Accepted> accepted = new CompletableFuture<>();
            Thread t = acceptIn(Thread.ofVirtual().name("acceptor"), l, accepted);
            Loopback.awaitWaiting(t); // parked inside accept: the completed queue is empty
            assertThat(accepted).as("accept still blocked while no client").isNotDone();
            assertThat(l.tryAccept()).isSameAs(Accepted.UNAVAILABLE);
            try (Socket c = Loopback.connectTo(l)) {
                Accepted a = accepted.get(20, TimeUnit.SECONDS);
                try (Socket s = a.socket()) {
                    assertThat(a.peer()).isEqualTo(c.getsockname());
                }
            }
            t.join();
        }
    }

    @Test
    void aPlatformThreadBlocksInAcceptUntilAClientConnects() throws Exception {
        try (Socket l = Loopback.listener(4)) {
            CompletableFuture<Accepted> accepted = new CompletableFuture<>();
            Thread t = acceptIn(Thread.ofPlatform().name("acceptor"), l, accepted);
            Loopback.awaitInPoll(t);
            assertThat(accepted).isNotDone();
            try (Socket c = Loopback.connectTo(l); Socket s = accepted.get(20, TimeUnit.SECONDS).socket()) {
                assertThat(s.getpeername()).isEqualTo(c.getsockname());
            }
            t.join();
        }
    }

    @RepeatedTest(3)
    void acceptTakesCompletedConnectionsFirstInFirstOut() throws IOException {
        try (Socket l = Loopback.listener(16)) {
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) clients.add(Loopback.connectTo(l)); // each handshake completes in turn
                for (Socket c : clients) {
                    Accepted a = l.accept();
                    try (Socket s = a.socket()) {
                        assertThat(a.peer()).isEqualTo(c.getsockname());
                    }
                }
            } finally {
                clients.forEach(Socket::close);
            }
        }
    }

    @Test
    void theListeningAndTheConnectedSocketAreDistinct() throws IOException {
        try (Socket l = Loopback.listener(4); Socket c = Loopback.connectTo(l); Socket s = l.accept().socket()) {
            assertThat(s.fd()).isNotEqualTo(l.fd());
            assertThat(s.getsockname()).isEqualTo(l.getsockname()); // same local address and port
            assertThat(s.getpeername()).isEqualTo(c.getsockname());
            Loopback.assertErrno(l::getpeername, "getpeername", Errno.ENOTCONN); // the listener has no peer
            assertThat(l.getOption(SockOpt.SO_ACCEPTCONN)).isTrue();
            assertThat(s.getOption(SockOpt.SO_ACCEPTCONN)).isFalse();
            assertThat(l.getOption(SockOpt.TCP_INFO).state()).isEqualTo(TcpState.LISTEN);
            assertThat(s.getOption(SockOpt.TCP_INFO).state()).isEqualTo(TcpState.ESTABLISHED);
            s.close();
            assertThat(l.isOpen()).as("closing the connected socket leaves the listener").isTrue();
            try (Socket c2 = Loopback.connectTo(l); Socket s2 = l.accept().socket()) {
                assertThat(s2.getpeername()).isEqualTo(c2.getsockname());
            }
        }
    }

    /*
     * Linux counts a listener full when its completed queue holds MORE than backlog connections
     * (sk_acceptq_is_full: ack_backlog > max_ack_backlog), so backlog + 1 complete; the next SYN is
     * dropped and that client's connect does not finish.
     */
    @RepeatedTest(2)
    void theCompletedQueueHoldsBacklogPlusOneConnections() throws IOException {
        int backlog = 3;
        try (Socket l = Loopback.listener(backlog)) {
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < backlog + 1; i++) {
                    Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
                    clients.add(c);
                    c.connect(l.getsockname(), Duration.ofSeconds(10));
                }
                try (Socket extra = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
                    Loopback.assertErrno(() -> extra.connect(l.getsockname(), Duration.ofMillis(1500)), "connect", Errno.ETIMEDOUT)
                            .hasMessageContaining("jsock's timeout expired");
                    assertThat(extra.getOption(SockOpt.TCP_INFO).state()).isEqualTo(TcpState.SYN_SENT);
                }
                for (Socket c : clients) {
                    Accepted a = l.accept();
                    a.socket().close();
                    assertThat(a.peer()).isEqualTo(c.getsockname());
                }
                assertThat(l.tryAccept()).as("nothing beyond backlog + 1 was queued").isSameAs(Accepted.UNAVAILABLE);
            } finally {
                clients.forEach(Socket::close);
            }
        }
    }

    @Test
    void aZeroConnectTimeoutMeansNoneAsForSetTimeout() throws IOException {
        try (Socket l = Loopback.listener(1); Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            c.connect(l.getsockname(), Duration.ZERO);
            assertThat(c.getpeername()).isEqualTo(l.getsockname());
            l.accept().socket().close();
        }
        try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.connect(SockAddr.loopback4(9), Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void acceptGivesUpAfterTheSocketTimeout() throws IOException {
        try (Socket l = Loopback.listener(1)) {
            l.setTimeout(Duration.ofMillis(50));
            Loopback.assertErrno(l::accept, "accept", Errno.ETIMEDOUT)
                    .hasMessage("accept " + l.getsockname() + ": ETIMEDOUT (Connection timed out): jsock's timeout expired");
        }
    }

    /** Starts a thread that accepts one connection on {@code l} into {@code accepted}. */
    private static Thread acceptIn(Thread.Builder builder, Socket l, CompletableFuture<Accepted> accepted) {
        return builder.start(() -> {
            try {
                accepted.complete(l.accept());
            } catch (Throwable e) {
                accepted.completeExceptionally(e);
            }
        });
    }
}
