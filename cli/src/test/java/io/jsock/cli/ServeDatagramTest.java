package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** jsock serve over udp: and dgram: endpoints, with real clients: Debian's nc -u, socat, python3 and jsock connect -u. */
class ServeDatagramTest {

    @TempDir
    Path dir;

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(strings = {"iterative", "virtual", "pool:3"})
    void echoOverUdpAnswersNcSocatPythonAndJsockConnect(String model) throws Exception {
        try (ServeProcess s = ServeProcess.start("serve", "echo", "--bind", "udp:127.0.0.1:0", "--bind", "udp:[::1]:0", "--model", model)) {
            assertThat(s.err.get(0)).matches("listening on udp:127\\.0\\.0\\.1:\\d+ \\(model " + model.replace(":", ".") + ".*\\)");
            int port = s.port();
            String v6 = s.awaitLine(l -> l.startsWith("listening on udp:[::1]:"));
            int port6 = ServeProcess.LISTENING.matcher(v6).results().findFirst().map(m -> io.jsock.server.Endpoint.parse(m.group(1)).address().port()).orElseThrow();
            assertThat(text(ServeCommandTest.client(List.of("nc", "-u", "-w1", "127.0.0.1", Integer.toString(port)), "via nc\n".getBytes())))
                    .isEqualTo("via nc\n");
            assertThat(text(ServeCommandTest.client(List.of("socat", "-t", "1", "-", "UDP:127.0.0.1:" + port), "via socat\n".getBytes())))
                    .isEqualTo("via socat\n");
            assertThat(text(ServeCommandTest.client(List.of("python3", "-c", PYTHON_ASK, "::1", Integer.toString(port6), "via python"), new byte[0])))
                    .isEqualTo("via python");
            CliRun c = CliRun.connectWithin60s(new java.io.ByteArrayInputStream("one\ntwo\n".getBytes()), "-u", "--timeout", "1s", "127.0.0.1:" + port);
            assertThat(c.exit()).as(c.err()).isZero();
            // Workers answer in parallel: with more than one, the replies may pass each other
            assertThat(c.outText().lines().sorted()).containsExactly("one", "two");
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    /** argv: host, port, text: one datagram, prints the reply (10 s limit: a hang guard). */
    static final String PYTHON_ASK = String.join("\n",
            "import socket, sys",
            "host, port, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]",
            "family = socket.AF_INET6 if ':' in host else socket.AF_INET",
            "s = socket.socket(family, socket.SOCK_DGRAM)",
            "s.settimeout(10)",
            "s.sendto(text.encode(), (host, port))",
            "d, a = s.recvfrom(65536)",
            "sys.stdout.write(d.decode('latin-1'))",
            "");

    @Test
    void timeAndDaytimeOverUdpAndTimeOverTcp() throws Exception {
        try (ServeProcess s = ServeProcess.start("serve", "time", "--bind", "udp:127.0.0.1:0", "--bind", "127.0.0.1:0")) {
            int udp = s.port();
            String tcpLine = s.awaitLine(l -> l.startsWith("listening on 127.0.0.1:"));
            int tcp = Integer.parseInt(tcpLine.replaceAll("listening on 127\\.0\\.0\\.1:(\\d+) .*", "$1"));
            String rdate = String.join("\n",
                    "import socket, struct, sys, time",
                    "kind, port = sys.argv[1], int(sys.argv[2])",
                    "before = int(time.time()) + 2208988800",
                    "if kind == 'udp':",
                    "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(10)",
                    "    s.sendto(b'', ('127.0.0.1', port)); d = s.recv(100)",
                    "else:",
                    "    s = socket.create_connection(('127.0.0.1', port), 10); s.settimeout(10); d = b''",
                    "    while True:",
                    "        b = s.recv(100)",
                    "        if not b: break",
                    "        d += b",
                    "after = int(time.time()) + 2208988800",
                    "t = struct.unpack('!I', d)[0]",
                    "print(len(d), before <= t <= after)",
                    "");
            assertThat(text(ServeCommandTest.client(List.of("python3", "-c", rdate, "udp", Integer.toString(udp)), new byte[0])))
                    .isEqualTo("4 True\n");
            assertThat(text(ServeCommandTest.client(List.of("python3", "-c", rdate, "tcp", Integer.toString(tcp)), new byte[0])))
                    .isEqualTo("4 True\n");
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
        try (ServeProcess s = ServeProcess.start("serve", "daytime", "--bind", "udp:127.0.0.1:0")) {
            assertThat(text(ServeCommandTest.client(List.of("nc", "-u", "-w1", "127.0.0.1", Integer.toString(s.port())), "?".getBytes())))
                    .matches("[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n");
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    @Test
    void echoOverAUnixDatagramSocketAnswersSocatAndRemovesItsFileAtTheEnd() throws Exception {
        Path sock = dir.resolve("echo.sock");
        Path client = dir.resolve("client.sock");
        try (ServeProcess s = ServeProcess.start("serve", "echo", "--bind", "dgram:" + sock, "--socket-mode", "600")) {
            assertThat(s.err.get(0)).isEqualTo("listening on dgram:" + sock + " (model iterative)");
            assertThat(text(ServeCommandTest.client(List.of("socat", "-t", "1", "-", "UNIX-SENDTO:" + sock + ",bind=" + client),
                    "over unix\n".getBytes()))).isEqualTo("over unix\n");
            assertThat(java.nio.file.Files.getPosixFilePermissions(sock)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
        assertThat(sock).doesNotExist();
    }

    @Test
    void execOverUdpRunsTheProgramOnTheSocketInetdWaitStyle() throws Exception {
        String upper = "import socket\ns = socket.socket(fileno=0)\nd, a = s.recvfrom(65536)\ns.sendto(d.upper(), a)\n";
        try (ServeProcess s = ServeProcess.start("serve", "exec", "--bind", "udp:127.0.0.1:0", "-v", "--", "python3", "-c", upper)) {
            assertThat(s.err.get(0)).matches(".*Z jsock: listening on udp:127\\.0\\.0\\.1:\\d+ \\(model iterative, inetd wait\\)"); // -v: time stamped
            for (String word : List.of("first", "second")) { // python3 waits for the reply (up to 10 s: a python child's start)
                assertThat(text(ServeCommandTest.client(List.of("python3", "-c", PYTHON_ASK, "127.0.0.1", Integer.toString(s.port()), word),
                        new byte[0]))).isEqualTo(word.toUpperCase());
            }
            s.awaitLine(l -> l.matches(".*Z jsock: udp:127\\.0\\.0\\.1:\\d+: pid \\d+ \\(python3\\) exit 0"));
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
            assertThat(s.process.descendants().count()).as("children reaped").isZero();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "model epoll:1 does not serve datagrams (udp:/dgram: endpoints); expected iterative (one loop, the default), virtual or pool[:N] (workers over the same socket) | serve echo --bind udp:127.0.0.1:0 --model epoll:1",
        "model process does not serve datagrams (udp:/dgram: endpoints); expected iterative (one loop, the default), virtual or pool[:N] (workers over the same socket) | serve echo --bind udp:127.0.0.1:0 --model process",
        "exec over udp:/dgram: runs one program at a time on the socket (inetd's wait); --model virtual does not apply: use iterative or process, or leave --model out | serve exec --bind udp:127.0.0.1:0 --model virtual -- cat",
        "bad --rate-per-source 0; expected replies per second, 1 or more | serve echo --bind udp:127.0.0.1:0 --rate-per-source 0",
    })
    void badDatagramOptionsAreOneLineAndExitTwo(String message, String args) {
        ServeCommandTest.assertBadUsage(args, "jsock: " + message);
    }
}
