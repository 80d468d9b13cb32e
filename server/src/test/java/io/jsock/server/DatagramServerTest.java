package io.jsock.server;

import static io.jsock.server.Clients.jsockThreads;
import static io.jsock.server.Clients.sockets;
import static io.jsock.server.Clients.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.socket.Errno;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The datagram services over UDP (IPv4, IPv6) and Unix datagram sockets: one reply per datagram, the guards, the socket file, nothing leaked. */
class DatagramServerTest {

    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    Path dir;

    /** Every kind of datagram endpoint, with one loop and with workers. */
    static Stream<Arguments> endpoints() {
        List<Arguments> all = new ArrayList<>();
        for (String e : List.of("udp:127.0.0.1:0", "udp:[::1]:0", "dgram:PATH", "dgram:@jsock-dgram-test-")) {
            for (int workers : new int[] {1, 4}) all.add(Arguments.of(e, workers));
        }
        return all.stream();
    }

    private Endpoint endpoint(String form) {
        int n = NAMES.incrementAndGet();
        if (form.equals("dgram:PATH")) return Endpoint.parse("dgram:" + dir.resolve("server-" + n + ".sock"));
        if (form.endsWith("-")) return Endpoint.parse(form + ProcessHandle.current().pid() + "-" + n);
        return Endpoint.parse(form);
    }

    private DatagramServer serve(String form, int workers, Service service) throws Exception {
        return DatagramServer.builder().bind(endpoint(form)).workers(workers).service(service)
                .grace(Duration.ofSeconds(2)).start();
    }

    /** A client of the server's family; a Unix one is bound to a path of its own (an unbound sender cannot be answered). */
    private Socket client(DatagramServer s) throws Exception {
        SockAddr to = s.localAddress();
        Socket c = Socket.open(to.family(), SocketType.DGRAM, Protocol.DEFAULT);
        if (to instanceof SockAddr.Local) c.bind(SockAddr.Local.path(dir.resolve("client-" + NAMES.incrementAndGet()).toString()));
        c.setTimeout(Clients.READ_LIMIT);
        return c;
    }

    private static byte[] ask(Socket c, DatagramServer s, byte[] datagram) throws Exception {
        c.sendto(ByteBuffer.wrap(datagram), s.localAddress());
        ByteBuffer reply = ByteBuffer.allocate(70_000);
        Socket.Received r = c.recvfrom(reply);
        assertThat(r.from()).isEqualTo(s.localAddress());
        return Arrays.copyOf(reply.array(), r.length());
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void echoSendsEachDatagramBackWholeUpToSixtyKilobytes(String form, int workers) throws Exception {
        byte[] big = new byte[60_000];
        new Random(862).nextBytes(big);
        try (DatagramServer s = serve(form, workers, Service.ECHO); Socket c = client(s)) {
            assertThat(ask(c, s, "hello".getBytes(StandardCharsets.US_ASCII))).asString().isEqualTo("hello");
            assertThat(ask(c, s, new byte[0])).isEmpty();
            assertThat(ask(c, s, big)).isEqualTo(big);
            waitFor(() -> s.counts().answered() == 3); // counted after sendto: the client may read the reply first
            assertThat(s.counts()).isEqualTo(new DatagramServer.Counts(3, 3, 0, 0, 0, 0));
        }
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void discardCountsTheDatagramAndSendsNothing(String form, int workers) throws Exception {
        try (DatagramServer s = serve(form, workers, Service.DISCARD); Socket c = client(s)) {
            for (int i = 0; i < 3; i++) c.sendto(ByteBuffer.wrap(new byte[100]), s.localAddress());
            waitFor(() -> s.counts().received() == 3 && s.activeConnections() == 0);
            assertThat(s.counts()).isEqualTo(new DatagramServer.Counts(3, 0, 0, 0, 0, 0));
            assertThat(c.tryRead(ByteBuffer.allocate(10))).isEqualTo(Socket.UNAVAILABLE);
        }
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void daytimeAnswersEachDatagramWithOneCtimeLine(String form, int workers) throws Exception {
        try (DatagramServer s = serve(form, workers, Service.DAYTIME); Socket c = client(s)) {
            String line = new String(ask(c, s, "?".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII);
            assertThat(line).matches("[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n");
        }
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void timeAnswersWithFourBytesOfSecondsSince1900(String form, int workers) throws Exception {
        try (DatagramServer s = serve(form, workers, Service.TIME); Socket c = client(s)) {
            long before = Instant.now().getEpochSecond() + 2_208_988_800L;
            byte[] t = ask(c, s, new byte[0]);
            long after = Instant.now().getEpochSecond() + 2_208_988_800L;
            assertThat(t).hasSize(4);
            long told = ByteBuffer.wrap(t).getInt() & 0xFFFF_FFFFL;
            assertThat(told).isBetween(before & 0xFFFF_FFFFL, after & 0xFFFF_FFFFL);
        }
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void chargenAnswersWithUpTo512CharactersOfThePattern(String form, int workers) throws Exception {
        byte[] pattern = new byte[95 * 74 * 2];
        Service.chargenLines().get(pattern);
        String cycles = new String(pattern, StandardCharsets.US_ASCII);
        try (DatagramServer s = serve(form, workers, Service.CHARGEN); Socket c = client(s)) {
            Set<Integer> lengths = new java.util.HashSet<>();
            for (int i = 0; i < 20; i++) {
                byte[] r = ask(c, s, new byte[1]);
                assertThat(r.length).isBetween(0, 512);
                assertThat(cycles).contains(new String(r, StandardCharsets.US_ASCII));
                lengths.add(r.length);
            }
            assertThat(lengths).as("a random length each time").hasSizeGreaterThan(1);
        }
    }

    @Test
    void timeIsSecondsSince1900BigEndianModulo2To32() {
        assertThat(Service.time(Instant.ofEpochSecond(0))).containsExactly(0x83, 0xAA, 0x7E, 0x80); // 2,208,988,800
        assertThat(Service.time(Instant.parse("2036-02-07T06:28:16Z"))).containsExactly(0, 0, 0, 0); // the era wraps
    }

    @Test
    void aSourceOnAPortBelow1024IsNotAnsweredUnlessAskedAndIsLoggedOnce() throws Exception {
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        try (DatagramServer s = DatagramServer.builder().bind("udp:127.0.0.1:0").service(Service.ECHO).log(lines::add).start();
             Socket privileged = udpClientOn(1000)) {
            for (int i = 0; i < 5; i++) privileged.sendto(ByteBuffer.wrap(new byte[] {'x'}), s.localAddress());
            waitFor(() -> s.counts().refusedPort() == 5);
            assertThat(s.counts()).isEqualTo(new DatagramServer.Counts(5, 0, 0, 5, 0, 0));
            assertThat(privileged.tryRead(ByteBuffer.allocate(10))).as("no reply queued").isEqualTo(Socket.UNAVAILABLE);
            assertThat(lines).filteredOn(l -> l.contains("not answered")).singleElement().asString()
                    .contains("127.0.0.1:1000").contains("below 1024");
        }
        try (DatagramServer s = DatagramServer.builder().bind("udp:127.0.0.1:0").service(Service.ECHO)
                .replyToPrivilegedPorts(true).start();
             Socket privileged = udpClientOn(1000)) {
            assertThat(ask(privileged, s, new byte[] {'y'})).containsExactly('y');
        }
    }

    @Test
    void aSourceOnASmallServicesPortIsNeverAnswered() throws Exception {
        for (boolean privilegedAllowed : new boolean[] {false, true}) {
            try (DatagramServer s = DatagramServer.builder().bind("udp:127.0.0.1:0").service(Service.CHARGEN)
                    .replyToPrivilegedPorts(privilegedAllowed).start();
                 Socket echoPort = udpClientOn(7)) {
                echoPort.sendto(ByteBuffer.wrap(new byte[] {'x'}), s.localAddress());
                waitFor(() -> s.counts().refusedPort() == 1);
                assertThat(s.counts().refusedPort()).isEqualTo(1);
                assertThat(echoPort.tryRead(ByteBuffer.allocate(600))).isEqualTo(Socket.UNAVAILABLE);
            }
        }
    }

    /** A UDP socket on 127.0.0.1:port (below 1024: the tests run as root). */
    @Test
    void aSenderTheDenyRuleHoldsIsNotAnsweredAndIsCountedWhileOthersAre() throws Exception {
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        Admission rules = Admission.builder().deny(Cidr.parse("127.0.0.2")).build();
        try (DatagramServer s = DatagramServer.builder().bind("udp:127.0.0.1:0").service(Service.ECHO).rules(rules)
                .log(lines::add).start();
             Socket denied = udpClientFrom("127.0.0.2");
             Socket admitted = udpClientFrom("127.0.0.1")) {
            for (int i = 0; i < 3; i++) denied.sendto(ByteBuffer.wrap(new byte[] {'d'}), s.localAddress());
            assertThat(ask(admitted, s, new byte[] {'a'})).containsExactly('a');
            waitFor(() -> s.counts().denied() == 3 && s.counts().answered() == 1);
            assertThat(s.counts()).isEqualTo(new DatagramServer.Counts(4, 1, 3, 0, 0, 0));
            assertThat(denied.tryRead(ByteBuffer.allocate(10))).as("no reply queued").isEqualTo(Socket.UNAVAILABLE);
            assertThat(lines).filteredOn(l -> l.contains("not answered")).first().asString()
                    .contains("127.0.0.2").contains("deny 127.0.0.2/32");
        }
    }

    @Test
    void anAllowListAnswersOnlyItsBlocksAndAProgramCannotTakeRules() throws Exception {
        Admission allowOnly = Admission.builder().allow(Cidr.parse("127.0.0.3/32")).build();
        try (DatagramServer s = DatagramServer.builder().bind("udp:127.0.0.1:0").service(Service.ECHO).rules(allowOnly).start();
             Socket outside = udpClientFrom("127.0.0.1");
             Socket inside = udpClientFrom("127.0.0.3")) {
            outside.sendto(ByteBuffer.wrap(new byte[] {'o'}), s.localAddress());
            assertThat(ask(inside, s, new byte[] {'i'})).containsExactly('i');
            waitFor(() -> s.counts().denied() == 1);
            assertThat(outside.tryRead(ByteBuffer.allocate(10))).isEqualTo(Socket.UNAVAILABLE);
        }
        assertThatThrownBy(() -> DatagramServer.builder().bind("udp:127.0.0.1:0").command(List.of("cat")).rules(allowOnly).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inetd's wait");
    }

    private static Socket udpClientFrom(String address) throws Exception {
        Socket c = Socket.open(io.jsock.socket.Family.INET, SocketType.DGRAM, Protocol.DEFAULT);
        c.bind(SockAddr.parse(address + ":0"));
        c.setTimeout(Clients.READ_LIMIT);
        return c;
    }

    private static Socket udpClientOn(int port) throws Exception {
        Socket c = Socket.open(io.jsock.socket.Family.INET, SocketType.DGRAM, Protocol.DEFAULT);
        c.bind(SockAddr.parse("127.0.0.1:" + port));
        c.setTimeout(Clients.READ_LIMIT);
        return c;
    }

    @Test
    void aSourceGetsAtMostItsRateOfRepliesPerSecondAndTheRestAreCounted() throws Exception {
        int rate = 5;
        int sent = 60;
        try (DatagramServer s = DatagramServer.builder().bind("udp:127.0.0.1:0").service(Service.ECHO).ratePerSource(rate).start();
             Socket c = client(s)) {
            long start = System.nanoTime();
            for (int i = 0; i < sent; i++) c.sendto(ByteBuffer.wrap(new byte[] {(byte) i}), s.localAddress());
            waitFor(() -> s.counts().received() == sent && s.activeConnections() == 0);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            int replies = 0;
            while (c.tryRead(ByteBuffer.allocate(10)) != Socket.UNAVAILABLE) replies++;
            DatagramServer.Counts counts = s.counts();
            assertThat(counts.received()).isEqualTo(sent);
            assertThat(counts.answered() + counts.overRate()).isEqualTo(sent);
            assertThat(replies).isEqualTo((int) counts.answered()).isPositive()
                    .isLessThanOrEqualTo(rate * (int) (seconds + 1)); // one window of `rate` per second begun
        }
    }

    @Test
    void anUnboundUnixSenderCannotBeAnsweredAndIsCounted() throws Exception {
        try (DatagramServer s = serve("dgram:PATH", 1, Service.ECHO);
             Socket unbound = Socket.open(io.jsock.socket.Family.LOCAL, SocketType.DGRAM, Protocol.DEFAULT)) {
            unbound.sendto(ByteBuffer.wrap(new byte[] {'x'}), s.localAddress());
            waitFor(() -> s.counts().failed() == 1);
            assertThat(s.counts()).isEqualTo(new DatagramServer.Counts(1, 0, 0, 0, 0, 1));
        }
    }

    @Test
    void aStaleSocketFileIsReplacedALiveOneIsRefusedAndACleanStopRemovesIt() throws Exception {
        Path file = dir.resolve("stale.sock");
        try (Socket gone = Socket.open(io.jsock.socket.Family.LOCAL, SocketType.DGRAM, Protocol.DEFAULT)) {
            gone.bind(SockAddr.Local.path(file.toString())); // closed below: its file stays, nothing bound to it
        }
        assertThat(file).exists();
        DatagramServer s = DatagramServer.builder().bind("dgram:" + file).service(Service.ECHO).start();
        try (Socket c = client(s)) {
            assertThat(ask(c, s, new byte[] {'a'})).containsExactly('a');
            assertThatThrownBy(() -> DatagramServer.builder().bind("dgram:" + file).service(Service.ECHO).start())
                    .isInstanceOfSatisfying(SyscallFailure.class, f -> assertThat(f.errno()).isEqualTo(Errno.EADDRINUSE))
                    .hasMessageContaining("stop it first");
        } finally {
            s.close();
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void anInheritedSocketIsServedAndItsFileIsLeftToItsOwner() throws Exception {
        Path file = dir.resolve("inherited.sock");
        Socket inherited = Socket.open(io.jsock.socket.Family.LOCAL, SocketType.DGRAM, Protocol.DEFAULT);
        inherited.bind(SockAddr.Local.path(file.toString()));
        try (DatagramServer s = DatagramServer.builder().socket(inherited).service(Service.ECHO).start(); Socket c = client(s)) {
            assertThat(s.endpoint().toString()).isEqualTo("dgram:" + file);
            assertThat(ask(c, s, new byte[] {'b'})).containsExactly('b');
        }
        assertThat(inherited.isOpen()).isFalse();
        assertThat(file).exists();
    }

    @Test
    void theBuilderRefusesWhatADatagramServerCannotServe() throws Exception {
        assertThatThrownBy(() -> DatagramServer.builder().bind("127.0.0.1:0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TcpServer serves it");
        assertThatThrownBy(() -> DatagramServer.builder().bind("udp:127.0.0.1:0").command(List.of("cat")).workers(2).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inetd's wait");
        assertThatThrownBy(() -> DatagramServer.builder().bind("udp:127.0.0.1:0").start())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> DatagramServer.builder().ratePerSource(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TcpServer.builder().bind("udp:127.0.0.1:0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DatagramServer serves it");
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void closeLeavesNoThreadAndNoSocketBehind(String form, int workers) throws Exception {
        try (DatagramServer warm = serve(form, workers, Service.ECHO); Socket c = client(warm)) {
            ask(c, warm, new byte[] {'w'});
        }
        Set<String> threadsBefore = jsockThreads();
        long socketsBefore = sockets();
        DatagramServer s = serve(form, workers, Service.ECHO);
        try (Socket c = client(s)) {
            for (int i = 0; i < 100; i++) assertThat(ask(c, s, new byte[] {(byte) i})).containsExactly(i);
        }
        waitFor(() -> s.activeConnections() == 0); // a worker is busy until its sendto returns
        assertThat(s.activeConnections()).isZero();
        s.close();
        s.close(); // safe twice
        assertThat(jsockThreads()).isEqualTo(threadsBefore);
        assertThat(sockets()).isEqualTo(socketsBefore);
    }

    @Test
    void aBusyPortIsOneBindFailureAndLeavesNothingOpen() throws Exception {
        try (DatagramServer first = DatagramServer.builder().bind("udp:127.0.0.1:0").service(Service.ECHO).start()) {
            long before = sockets();
            SockAddr taken = first.localAddress();
            // With SO_REUSEADDR on both, Linux lets two UDP sockets bind one port (and splits its datagrams): not set for UDP
            assertThatThrownBy(() -> DatagramServer.builder().bind(taken).service(Service.ECHO).start())
                    .isInstanceOfSatisfying(SyscallFailure.class, f -> assertThat(f.errno()).isEqualTo(Errno.EADDRINUSE));
            assertThat(sockets()).isEqualTo(before);
        }
    }
}
