package io.jsock.socket.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jsock.socket.ErrnoException;
import io.jsock.socket.Errno;
import io.jsock.socket.Family;
import io.jsock.socket.Linger;
import io.jsock.socket.Loopback;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** jsock's capture and tcpdump (the oracle) watch the same loopback traffic and must write the same lines. */
class TcpdumpOracleTest {
    private static final Pattern UP_TO_LENGTH = Pattern.compile("^\\S+ (.*?, length \\d+)");

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Process tcpdump;
    private Path tcpdumpOut;

    @BeforeEach
    void needsRootAndTcpdump() throws IOException {
        try (Capture probe = Capture.open("lo", CaptureFilter.port(9))) {
            assumeTrue(probe.isOpen());
        } catch (ErrnoException e) {
            assumeTrue(e.errno() != Errno.EPERM, "skipped: packet sockets need CAP_NET_RAW (root)");
            throw e;
        }
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tcpdump")) || Files.isExecutable(Path.of("/usr/sbin/tcpdump")),
                "skipped: tcpdump is not installed (scripts/install-deps.sh installs it)");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose.reversed()) c.close();
        if (tcpdump != null) {
            tcpdump.destroy();
            if (!tcpdump.waitFor(10, TimeUnit.SECONDS)) tcpdump.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (tcpdumpOut != null) Files.deleteIfExists(tcpdumpOut);
    }

    @Test
    void aWholeConnectionWithDataAndBothFinsIsWrittenAsTcpdumpWritesIt() throws Exception {
        Socket l = listen("127.0.0.1:0");
        Capture capture = start(l.getsockname().port());
        exchange(l);
        List<String> ours = compare(capture);
        assertThat(ours.get(0)).contains("Flags [S], seq ").contains("options [mss ");
        assertThat(ours.get(1)).contains("Flags [S.], seq ");
        assertThat(ours.get(2)).contains("Flags [.], ack 1, win ");
        assertThat(ours).anyMatch(s -> s.contains("Flags [P.], seq 1:6, ack 1") && s.endsWith("length 5"));
        assertThat(ours).filteredOn(s -> s.contains("Flags [F.]")).hasSize(2);
    }

    @Test
    void anIpv6ConnectionIsWrittenAsTcpdumpWritesIt() throws Exception {
        Socket l = listen("[::1]:0");
        Capture capture = start(l.getsockname().port());
        exchange(l);
        List<String> ours = compare(capture);
        assertThat(ours.get(0)).startsWith("IP6 ::1.").contains("Flags [S]");
    }

    @Test
    void aRefusedConnectIsASynAnsweredByRstAsTcpdumpWritesIt() throws Exception {
        Socket l = listen("127.0.0.1:0");
        int port = l.getsockname().port();
        l.close(); // nobody listens there now: the kernel answers the SYN with RST
        Capture capture = start(port);
        try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            c.connect(SockAddr.parse("127.0.0.1:" + port));
        } catch (java.net.ConnectException e) {
            assertThat(((io.jsock.socket.SyscallFailure) e).errno()).isEqualTo(Errno.ECONNREFUSED);
        }
        List<String> ours = compare(capture);
        assertThat(ours).hasSize(2);
        assertThat(ours.get(1)).contains("Flags [R.], seq 0, ack ");
    }

    @Test
    void soLingerZeroSendsRstAsTcpdumpWritesIt() throws Exception {
        Socket l = listen("127.0.0.1:0");
        Capture capture = start(l.getsockname().port());
        Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP);
        c.connect(l.getsockname());
        try (Socket s = l.accept().socket()) {
            c.setOption(SockOpt.SO_LINGER, Linger.on(0));
            c.close();
            List<String> ours = compare(capture);
            assertThat(ours).hasSize(4);
            assertThat(ours.get(3)).contains("Flags [R.], seq 1, ack 1");
        }
    }

    @Test
    void aUdpDatagramToAClosedPortAndItsIcmpPortUnreachableAreWrittenAsTcpdumpWritesThem() throws Exception {
        int port = Loopback.closedPort(SocketType.DGRAM); // nothing receives on it
        Capture capture = start(port);
        try (Socket u = Socket.open(Family.INET, SocketType.DGRAM, Protocol.UDP)) {
            u.sendto(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), SockAddr.parse("127.0.0.1:" + port));
            List<String> ours = compare(capture);
            assertThat(ours).hasSize(2);
            assertThat(ours.get(0)).endsWith("UDP, length 4");
            assertThat(ours.get(1)).contains("ICMP 127.0.0.1 udp port " + port + " unreachable");
        }
    }

    @Test
    void theKernelFilterKeepsOnlyTheAskedPort() throws Exception {
        Socket l = listen("127.0.0.1:0");
        Socket other = listen("127.0.0.1:0");
        Capture capture = start(l.getsockname().port());
        exchange(other); // not on the port asked for: the BPF program drops all of it
        exchange(l);
        List<String> ours = compare(capture);
        String port = "." + l.getsockname().port();
        assertThat(ours).isNotEmpty().allMatch(s -> s.contains(port + " >") || s.contains(port + ":"));
    }

    // ---- the two captures

    private Socket listen(String address) throws IOException {
        SockAddr a = SockAddr.parse(address);
        Socket l = Socket.open(a.family(), SocketType.STREAM, Protocol.TCP);
        toClose.add(l);
        l.bind(a);
        l.listen(4);
        return l;
    }

    /** Starts tcpdump and jsock's capture on the same port; returns once both are listening. */
    private Capture start(int port) throws Exception {
        tcpdumpOut = Files.createTempFile("jsock-tcpdump", ".txt");
        tcpdump = new ProcessBuilder("tcpdump", "-i", "lo", "-n", "-l", "port " + port + " or icmp or icmp6")
                .redirectOutput(tcpdumpOut.toFile()).start();
        BufferedReader err = new BufferedReader(new InputStreamReader(tcpdump.getErrorStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String line;
        while ((line = err.readLine()) != null && !line.contains("listening on")) {
            assertThat(System.nanoTime() - deadline).as("tcpdump listens within 30 s").isNegative();
        }
        assertThat(line).as("tcpdump started").isNotNull();
        Capture c = Capture.open("lo", CaptureFilter.port(port));
        toClose.add(c);
        return c;
    }

    /** One connection: connect, 5 bytes each way, the client closes, then the server. */
    private static void exchange(Socket l) throws IOException {
        try (Socket c = Socket.open(l.family(), SocketType.STREAM, Protocol.TCP)) {
            c.setTimeout(Duration.ofSeconds(30));
            c.connect(l.getsockname());
            try (Socket s = l.accept().socket()) {
                s.setTimeout(Duration.ofSeconds(30));
                c.writeFully("hello".getBytes(StandardCharsets.US_ASCII));
                s.readFully(new byte[5]);
                s.writeFully("world".getBytes(StandardCharsets.US_ASCII));
                c.readFully(new byte[5]);
                c.close();
                assertThat(s.read(new byte[1])).as("the server reads the client's FIN").isEqualTo(-1);
            }
        }
    }

    /** jsock's lines (without time, to the length), after checking tcpdump wrote the same ones. */
    private List<String> compare(Capture capture) throws Exception {
        TcpdumpText text = new TcpdumpText();
        List<String> ours = new ArrayList<>();
        for (Packet p : capture.drain(100, Duration.ofMillis(500), Duration.ofSeconds(20))) ours.add(text.withoutTime(p));
        List<String> theirs = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() - deadline < 0) { // tcpdump writes each line as it sees the packet (-l)
            theirs = Files.readAllLines(tcpdumpOut).stream().map(TcpdumpOracleTest::upToLength).toList();
            if (theirs.size() >= ours.size()) break;
            Thread.sleep(50);
        }
        assertThat(ours).as("jsock's capture, compared with tcpdump's").isEqualTo(theirs);
        return ours;
    }

    private static String upToLength(String tcpdumpLine) {
        Matcher m = UP_TO_LENGTH.matcher(tcpdumpLine);
        return m.find() ? m.group(1) : tcpdumpLine;
    }
}
