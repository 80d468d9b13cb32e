package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** bind(2)'s four rows of UNP 4.4 (wildcard or local address × port 0 or fixed), on IPv4 and IPv6, read back with getsockname. */
class BindTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "[::]", "[::1]"})
    void portZeroLetsTheKernelChooseAnEphemeralPortFromIpLocalPortRange(String host) throws IOException {
        SockAddr asked = SockAddr.parse(host + ":0");
        try (Socket s = Socket.open(asked.family(), SocketType.STREAM, Protocol.DEFAULT)) {
            s.bind(asked);
            SockAddr got = s.getsockname();
            int[] range = ephemeralRange();
            assertThat(got.port()).isBetween(range[0], range[1]);
            assertThat(got).isEqualTo(asked.withPort(got.port()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "[::]", "[::1]"})
    void aFixedPortIsKeptAsAsked(String host) throws IOException {
        SockAddr base = SockAddr.parse(host + ":0");
        try (Socket s = Socket.open(base.family(), SocketType.STREAM, Protocol.DEFAULT)) {
            SockAddr asked = bindToAFreeFixedPort(s, base);
            assertThat(s.getsockname()).isEqualTo(asked);
            assertThat(s.getsockname().toString()).isEqualTo(asked.toString());
        }
    }

    @Test
    void theWildcardAddressesAreInaddrAnyAndIn6addrAny() {
        assertThat(SockAddr.anyInet4(0).toString()).isEqualTo("0.0.0.0:0");
        assertThat(SockAddr.anyInet6(80).toString()).isEqualTo("[::]:80");
        assertThat(SockAddr.parse("*:80")).isEqualTo(SockAddr.anyInet4(80));
        assertThat(SockAddr.parse("[::]:80")).isEqualTo(SockAddr.anyInet6(80));
    }

    @Test
    void anUnboundSocketGetsItsLocalAddressAndPortAtConnect() throws IOException {
        try (Socket l = Loopback.listener(1); Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            assertThat(c.getsockname()).isEqualTo(SockAddr.anyInet4(0)); // nothing chosen yet
            c.connect(l.getsockname());
            SockAddr local = c.getsockname();
            assertThat(local).isEqualTo(SockAddr.loopback4(local.port()));
            int[] range = ephemeralRange();
            assertThat(local.port()).isBetween(range[0], range[1]);
            try (Socket s = l.accept().socket()) {
                assertThat(s.getpeername()).isEqualTo(local);
                assertThat(s.getsockname()).isEqualTo(l.getsockname());
            }
        }
    }

    @Test
    void aWildcardListenerAcceptsOnLoopbackAndTheConnectedSocketNamesTheRealAddress() throws IOException {
        try (Socket l = Socket.open(Family.INET6, SocketType.STREAM, Protocol.DEFAULT)) {
            l.bind(SockAddr.anyInet6(0));
            l.listen(4);
            int port = l.getsockname().port();
            try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
                c.connect(SockAddr.loopback4(port)); // dual-stack: [::] takes IPv4 too unless IPV6_V6ONLY
                try (Socket s = l.accept().socket()) {
                    assertThat(s.getsockname().toString()).isEqualTo("[::ffff:127.0.0.1]:" + port);
                }
            }
        }
    }

    /** Binds {@code s} to {@code base} with a fixed port outside the ephemeral range, retrying on EADDRINUSE. */
    static SockAddr bindToAFreeFixedPort(Socket s, SockAddr base) throws IOException {
        int[] range = ephemeralRange();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, range[0]);
            SockAddr asked = base.withPort(port);
            try {
                s.bind(asked);
                return asked;
            } catch (ErrnoBindException e) {
                if (e.errno() != Errno.EADDRINUSE) throw e;
            }
        }
        throw new IllegalStateException("no free fixed port after 100 tries");
    }

    /** /proc/sys/net/ipv4/ip_local_port_range: the ports the kernel gives out (for IPv6 too). */
    static int[] ephemeralRange() throws IOException {
        String[] r = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
        return new int[] {Integer.parseInt(r[0]), Integer.parseInt(r[1])};
    }
}
