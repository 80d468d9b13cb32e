package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jsock.socket.Family;
import io.jsock.socket.NetNamespace;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code jsock trace} as a program: what it prints for a handshake, JSON, the end at a count or SIGINT, and its one-line errors. */
class TraceCommandTest {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killWhatWasStarted() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aHandshakeIsThreeLinesAsTcpdumpWritesThemAndTheCountEndsIt() throws Exception {
        assumeRoot();
        try (Socket l = listener()) {
            int port = l.getsockname().port();
            Process p = startTrace("trace", "--port", String.valueOf(port), "-c", "3");
            try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
                c.connect(l.getsockname());
                l.accept().socket().close();
                List<String> lines = endOf(p, 0);
                assertThat(lines).hasSize(3);
                assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} IP 127\\.0\\.0\\.1\\.\\d+ > 127\\.0\\.0\\.1\\." + port
                        + ": Flags \\[S\\], seq \\d+, win \\d+, options \\[mss \\d+,sackOK,TS val \\d+ ecr 0,nop,wscale \\d+\\], length 0");
                assertThat(lines.get(1)).contains("." + port + " > 127.0.0.1.").contains("Flags [S.], seq ");
                assertThat(lines.get(2)).contains("Flags [.], ack 1, win ");
                assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("jsock: 3 packets captured");
            }
        }
    }

    @Test
    void jsonIsOneObjectPerPacketWithTheFlagsNamed() throws Exception {
        assumeRoot();
        try (Socket l = listener()) {
            Process p = startTrace("trace", "--port", String.valueOf(l.getsockname().port()), "-c", "1", "--json");
            try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
                c.connect(l.getsockname());
                List<String> lines = endOf(p, 0);
                assertThat(lines).hasSize(1);
                assertThat(lines.get(0)).startsWith("{\"time\":").contains("\"proto\":\"tcp\"", "\"flags\":\"SYN\"",
                        "\"dport\":" + l.getsockname().port(), "\"text\":\"");
            }
        }
    }

    @Test
    void sigintEndsTheCaptureCleanlyWithItsCount() throws Exception {
        assumeRoot();
        Process p = startTrace("trace", "--port", "9");
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -INT").isTrue();
        assertThat(endOf(p, 0)).isEmpty();
        assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("jsock: 0 packets captured");
    }

    @Test
    void aNamedNetworkNamespaceIsTracedOnItsOwnLoopback() throws Exception {
        assumeRoot();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")), "skipped: iproute2 is not installed");
        String ns = "jsock-trace-" + ProcessHandle.current().pid();
        assertThat(run("ip", "netns", "add", ns)).isZero();
        try {
            assertThat(run("ip", "-n", ns, "link", "set", "lo", "up")).isZero();
            Process p = startTrace("trace", "--netns", ns, "--port", "7", "-c", "2");
            NetNamespace.call(ns, () -> { // nothing listens on 7 there: SYN, then RST
                try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
                    c.connect(SockAddr.parse("127.0.0.1:7"));
                } catch (java.net.ConnectException refused) {
                    // expected
                }
                return null;
            });
            List<String> lines = endOf(p, 0);
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).contains("> 127.0.0.1.7: Flags [S]");
            assertThat(lines.get(1)).contains("127.0.0.1.7 > ").contains("Flags [R.], seq 0, ack ");
        } finally {
            run("ip", "netns", "del", ns);
        }
    }

    @Test
    void withoutCapNetRawOneLineSaysSo() throws Exception {
        assumeRoot();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "skipped: setpriv (util-linux) is not installed");
        List<String> argv = new ArrayList<>(List.of("setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw"));
        argv.addAll(JsockProcess.command(List.of(), "trace", "--port", "9", "-c", "1"));
        JsockProcess.Run r = JsockProcess.run(argv, new byte[0]);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").isEqualTo("jsock: socket (PF_PACKET, SOCK_DGRAM, 0): EPERM (Operation not permitted): packet sockets (capturing) need CAP_NET_RAW: run as root");
    }

    @Test
    void badInputSaysWhatIsAcceptedAndExits2() throws Exception {
        JsockProcess.Run port = JsockProcess.run(JsockProcess.command(List.of(), "trace", "--port", "0"), new byte[0]);
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err()).isEqualTo("jsock: bad --port 0; expected 1 to 65535\n");
        JsockProcess.Run host = JsockProcess.run(JsockProcess.command(List.of(), "trace", "--host", "localhost"), new byte[0]);
        assertThat(host.exit()).isEqualTo(2);
        assertThat(host.err()).isEqualTo("jsock: bad --host 'localhost'; expected an IPv4 or IPv6 literal: 127.0.0.1, ::1\n");
    }

    @Test
    void anInterfaceThatDoesNotExistIsOneLineWithItsErrno() throws Exception {
        JsockProcess.Run r = JsockProcess.run(JsockProcess.command(List.of(), "trace", "-i", "jsock-nosuch0"), new byte[0]);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jsock: if_nametoindex jsock-nosuch0: ENODEV (No such device)\n");
    }

    // ----

    private static void assumeRoot() throws IOException {
        assumeTrue(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip().equals("0"),
                "skipped: packet sockets need CAP_NET_RAW (root)");
    }

    private static Socket listener() throws IOException {
        Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP);
        l.bind(SockAddr.parse("127.0.0.1:0"));
        l.listen(4);
        return l;
    }

    /** Starts jsock and returns once it says it is tracing (its standard error's first line). */
    private Process startTrace(String... args) throws Exception {
        Process p = new ProcessBuilder(JsockProcess.command(List.of(), args)).start();
        started.add(p);
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String first = err.readLine(); // blocks until the line, or end of stream if it fails; the JVM starts in seconds
        assertThat(first).as("jsock trace starts").startsWith("jsock: tracing on ");
        return p;
    }

    /** Waits (60 s at most) for the process to end with {@code exit}; its standard output's lines. */
    private static List<String> endOf(Process p, int exit) throws Exception {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("jsock trace ends").isTrue();
        assertThat(p.exitValue()).isEqualTo(exit);
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return p.exitValue();
    }
}
