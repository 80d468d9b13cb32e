package io.jsock.cli;

import static io.jsock.cli.Activated.SOCKET_ACTIVATE;
import static io.jsock.cli.Activated.echo;
import static io.jsock.cli.Activated.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.SockAddr;
import io.jsock.socket.SocketType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jsock serve under systemd-socket-activate (sd_listen_fds(3)): the sockets it is handed, of every
 * family and type, with their names; LISTEN_PID of another process; an inherited descriptor that is
 * not a socket.
 */
class ServeActivationTest {
    @TempDir
    Path dir;

    private static String line(String fd, String name) {
        return "(model virtual, fd " + fd + " \"" + name + "\" inherited)";
    }

    @Test
    void socketsOfEveryFamilyAreServedEachUnderItsName() throws Exception {
        Activated.assumeSocketActivate();
        int p4 = freePort(SockAddr.parse("127.0.0.1:0"), SocketType.STREAM);
        int p6 = freePort(SockAddr.parse("[::1]:0"), SocketType.STREAM);
        Path unix = dir.resolve("echo.sock");
        try (ServeProcess s = ServeProcess.spawn(List.of(SOCKET_ACTIVATE, "-l", "127.0.0.1:" + p4, "-l", "[::1]:" + p6,
                "-l", unix.toString(), "--fdname=web:six:local"), "serve", "echo")) {
            s.awaitLine(l -> l.contains("as 5.")); // systemd-socket-activate has made all three
            // It starts jsock at the first connection: that one waits in the listener's queue meanwhile.
            assertThat(echo(SockAddr.parse("127.0.0.1:" + p4), SocketType.STREAM, "four\n")).isEqualTo("four\n");
            assertThat(s.awaitLine(l -> l.startsWith("listening on 127.0.0.1:" + p4)))
                    .isEqualTo("listening on 127.0.0.1:" + p4 + " " + line("3", "web"));
            assertThat(s.awaitLine(l -> l.startsWith("listening on [::1]:"))).isEqualTo("listening on [::1]:" + p6 + " " + line("4", "six"));
            assertThat(s.awaitLine(l -> l.startsWith("listening on " + unix))).isEqualTo("listening on " + unix + " " + line("5", "local"));
            assertThat(echo(SockAddr.parse("[::1]:" + p6), SocketType.STREAM, "six\n")).isEqualTo("six\n");
            assertThat(echo(SockAddr.Local.path(unix.toString()), SocketType.STREAM, "unix\n")).isEqualTo("unix\n");
            assertThat(s.err).noneMatch(l -> l.contains("listening on 127.0.0.1:9877")); // nothing bound of its own
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
            assertThat(unix).as("an inherited socket's file is its owner's: left in place").exists();
        }
    }

    @Test
    void aSeqpacketSocketIsServedMessageByMessage() throws Exception {
        Activated.assumeSocketActivate();
        Path unix = dir.resolve("sp.sock");
        try (ServeProcess s = ServeProcess.spawn(List.of(SOCKET_ACTIVATE, "--seqpacket", "-l", unix.toString()), "serve", "echo")) {
            s.awaitLine(l -> l.contains("as 3."));
            assertThat(echo(SockAddr.Local.path(unix.toString()), SocketType.SEQPACKET, "one message")).isEqualTo("one message");
            assertThat(s.awaitLine(l -> l.startsWith("listening on seqpacket:"))).isEqualTo("listening on seqpacket:" + unix + " " + line("3", "unknown"));
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    /** systemd-socket-activate -d: a UDP socket handed over is served by the datagram server. */
    @Test
    void aDatagramSocketIsServedByTheDatagramServer() throws Exception {
        Activated.assumeSocketActivate();
        int port = freePort(SockAddr.parse("127.0.0.1:0"), SocketType.DGRAM);
        try (ServeProcess s = ServeProcess.spawn(List.of(SOCKET_ACTIVATE, "-d", "-l", "127.0.0.1:" + port, "--fdname=udp"), "serve", "echo")) {
            s.awaitLine(l -> l.contains("as 3."));
            assertThat(echo(SockAddr.parse("127.0.0.1:" + port), SocketType.DGRAM, "datagram")).isEqualTo("datagram");
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    @Test
    void socketsPassedToAnotherProcessAreLeftAloneAndItsVariablesReachNoChild() throws Exception {
        // LISTEN_PID=1: meant for init, not for us. jsock binds its own, and its children see none of the variables.
        try (ServeProcess s = ServeProcess.start(List.of("env", "LISTEN_PID=1", "LISTEN_FDS=1", "LISTEN_FDNAMES=x"),
                "serve", "exec", "--bind", "127.0.0.1:0", "--", "sh", "-c", "env | grep -c '^LISTEN_' || true")) {
            assertThat(echo(s.address(), SocketType.STREAM, "")).isEqualTo("0\n");
            assertThat(s.err).filteredOn(l -> l.startsWith("listening on")).hasSize(1);
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    @Test
    void anInheritedDescriptorThatIsNotASocketIsOneLineAndExitTwo() throws Exception {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "exec 3</dev/null; LISTEN_PID=$$ LISTEN_FDS=1 LISTEN_FDNAMES=web exec \"$@\"", "sh"));
        argv.addAll(JsockProcess.command(List.of(), "serve", "echo"));
        JsockProcess.Run r = JsockProcess.run(argv, new byte[0]);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().toList()).containsExactly(
                "jsock: fd 3 \"web\" from systemd (LISTEN_FDS) is not a socket jsock can serve: getsockopt: ENOTSOCK (Socket operation on non-socket)");
    }

    @Test
    void inetdWithoutASocketAtDescriptorZeroIsOneLineAndExitTwo() throws Exception {
        JsockProcess.Run r = JsockProcess.run(JsockProcess.command(List.of(), "serve", "--inetd", "echo"), new byte[0]);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("jsock: --inetd: fd 0 (standard input) is not a socket: getsockopt: ENOTSOCK");
    }

    @Test
    void inetdNowaitServesOneConnectionPerProcessAndExits() throws Exception {
        Activated.assumeSocketActivate();
        int port = freePort(SockAddr.parse("127.0.0.1:0"), SocketType.STREAM);
        SockAddr at = SockAddr.parse("127.0.0.1:" + port);
        try (ServeProcess s = ServeProcess.spawn(List.of(SOCKET_ACTIVATE, "--inetd", "-a", "-l", at.toString()), "serve", "--inetd", "echo")) {
            s.awaitLine(l -> l.contains("as 3."));
            assertThat(echo(at, SocketType.STREAM, "first\n")).isEqualTo("first\n");
            assertThat(echo(at, SocketType.STREAM, "second\n")).isEqualTo("second\n");
            // Each connection had a jsock of its own, which exited 0 once the client was done.
            Pattern died = Pattern.compile("Child \\d+ died with code 0");
            for (int i = 0; i < 6000 && s.err.stream().filter(l -> died.matcher(l).find()).count() < 2; i++) Thread.sleep(10);
            assertThat(s.err).filteredOn(l -> died.matcher(l).find()).hasSize(2);
            assertThat(s.err).noneMatch(l -> l.startsWith("listening on"));
            s.signal("TERM");
            s.awaitExit();
            assertThat(s.process.descendants()).isEmpty();
        }
    }

    @Test
    void inetdExecGetsTheUcspiAndSystemdVariablesOfItsClient() throws Exception {
        Activated.assumeSocketActivate();
        int port = freePort(SockAddr.parse("127.0.0.1:0"), SocketType.STREAM);
        SockAddr at = SockAddr.parse("127.0.0.1:" + port);
        try (ServeProcess s = ServeProcess.spawn(List.of(SOCKET_ACTIVATE, "--inetd", "-a", "-l", at.toString()), "serve", "--inetd", "exec",
                "--", "sh", "-c", "echo \"$PROTO $TCPLOCALPORT $TCPREMOTEIP:$TCPREMOTEPORT $REMOTE_ADDR:$REMOTE_PORT\"")) {
            s.awaitLine(l -> l.contains("as 3."));
            try (io.jsock.socket.Socket c = Activated.send(at, SocketType.STREAM, "")) {
                String peer = "127.0.0.1:" + c.getsockname().port();
                String got = new String(c.inputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
                assertThat(got).isEqualTo("TCP " + port + " " + peer + " " + peer + "\n");
            }
            s.signal("TERM");
            s.awaitExit();
        }
    }

    @Test
    void inetdWaitStyleServesFromTheListenerAtDescriptorZeroUntilSigterm() throws Exception {
        Activated.assumeSocketActivate();
        int port = freePort(SockAddr.parse("127.0.0.1:0"), SocketType.STREAM);
        SockAddr at = SockAddr.parse("127.0.0.1:" + port);
        try (ServeProcess s = ServeProcess.spawn(List.of(SOCKET_ACTIVATE, "--inetd", "-l", at.toString()), "serve", "--inetd", "echo")) {
            s.awaitLine(l -> l.contains("as 3."));
            assertThat(echo(at, SocketType.STREAM, "first\n")).isEqualTo("first\n");
            assertThat(echo(at, SocketType.STREAM, "second\n")).isEqualTo("second\n"); // the same jsock, still accepting
            assertThat(s.awaitLine(l -> l.startsWith("listening on"))).isEqualTo("listening on " + at + " " + line("0", "inetd"));
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    @Test
    void anAcceptYesConnectionAtDescriptorThreeIsServedOnce() throws Exception {
        Activated.assumeSocketActivate();
        int port = freePort(SockAddr.parse("127.0.0.1:0"), SocketType.STREAM);
        SockAddr at = SockAddr.parse("127.0.0.1:" + port);
        // -a without --inetd: systemd's Accept=yes for a program that reads LISTEN_FDS (the connection at fd 3).
        try (ServeProcess s = ServeProcess.spawn(List.of(SOCKET_ACTIVATE, "-a", "-l", at.toString()), "serve", "echo")) {
            s.awaitLine(l -> l.contains("as 3."));
            assertThat(echo(at, SocketType.STREAM, "once\n")).isEqualTo("once\n");
            s.awaitLine(l -> l.matches("Child \\d+ died with code 0"));
            assertThat(s.err).noneMatch(l -> l.startsWith("listening on")); // it served the one connection, bound nothing
            s.signal("TERM");
            s.awaitExit();
        }
    }

    @Test
    void bindAddsEndpointsBesideTheInheritedOnes() throws Exception {
        Activated.assumeSocketActivate();
        int port = freePort(SockAddr.parse("127.0.0.1:0"), SocketType.STREAM);
        SockAddr inherited = SockAddr.parse("127.0.0.1:" + port);
        Path own = dir.resolve("own.sock");
        try (ServeProcess s = ServeProcess.spawn(List.of(SOCKET_ACTIVATE, "-l", inherited.toString()), "serve", "echo", "--bind", own.toString())) {
            s.awaitLine(l -> l.contains("as 3."));
            assertThat(echo(inherited, SocketType.STREAM, "systemd's\n")).isEqualTo("systemd's\n");
            assertThat(s.awaitLine(l -> l.startsWith("listening on " + own))).isEqualTo("listening on " + own + " (model virtual, backlog 128)");
            assertThat(echo(SockAddr.Local.path(own.toString()), SocketType.STREAM, "its own\n")).isEqualTo("its own\n");
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
            assertThat(own).as("the file jsock made is removed at a clean stop").doesNotExist();
        }
    }
}
