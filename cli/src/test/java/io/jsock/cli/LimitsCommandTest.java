package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code jsock serve}'s limits on the command line: bad input lines, and the drop of privileges (run as root). */
class LimitsCommandTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jsock: bad prefix in '10.0.0.0/33': IPv4 takes a prefix 0..32 | serve echo --allow 10.0.0.0/33",
        "jsock: bad prefix in '::/129': IPv6 takes a prefix 0..128 | serve echo --deny ::/129",
        "jsock: bad address block 'localhost'; expected an address or ADDRESS/PREFIX: 10.0.0.0/8 (prefix 0..32), 2001:db8::/32 (prefix 0..128), 127.0.0.2 | serve echo --deny localhost",
        "jsock: unknown user 'no-such-user-here': not in the password database (getent passwd no-such-user-here) | serve echo --user no-such-user-here",
        "jsock: unknown group 'no-such-group-here': not in the group database (getent group no-such-group-here) | serve echo --user nobody --group no-such-group-here",
        "jsock: --group needs --user NAME: the user to drop to | serve echo --group nogroup",
        "jsock: bad --idle-timeout '0s'; a positive duration is needed, a number with a unit: 500ms, 5s, 1.5s, 2m, 1h (leave the option out for no limit) | serve echo --idle-timeout 0s",
        "jsock: bad --deadline '0'; a positive duration is needed, a number with a unit: 500ms, 5s, 1.5s, 2m, 1h (leave the option out for no limit) | serve echo --deadline 0",
        "jsock: bad --idle-timeout 'soon'; expected a number with a unit: 500ms, 5s, 1.5s, 2m, 1h | serve echo --idle-timeout soon",
        "jsock: bad rate '5'; expected N/s or N/m, N from 1 to 1000000 (e.g. 10/s) | serve echo --rate 5",
        "jsock: bad --max-per-ip -1; expected N >= 1 (or 0: no limit) | serve echo --max-per-ip -1",
    })
    void badLimitsGetOneLineSayingWhatIsAcceptedAndExitStatus2(String message, String args) {
        ServeCommandTest.assertBadUsage(args, message);
    }

    private static final Pattern IDS = Pattern.compile("(?m)^Uid:\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*\\nGid:\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)");

    /** Real, effective, saved and filesystem uid and gid of a process, from /proc/PID/status: "u u u u g g g g". */
    static String ids(long pid) throws IOException {
        Matcher m = IDS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        assertThat(m.find()).isTrue();
        return String.join(" ", m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6), m.group(7), m.group(8));
    }

    /** A port below 1024 that is free on 127.0.0.1 now (only root may bind it). */
    static int privilegedPort() throws IOException {
        for (int p = 600; p < 1000; p++) {
            try (Socket s = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
                s.bind(SockAddr.parse("127.0.0.1:" + p));
                return p;
            } catch (IOException inUse) {
                // the next
            }
        }
        throw new AssertionError("no free port from 600 to 999");
    }

    private static String nobody() throws IOException {
        String uid = new String(new ProcessBuilder("id", "-u", "nobody").start().getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        String gid = new String(new ProcessBuilder("id", "-g", "nobody").start().getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        return String.join(" ", uid, uid, uid, uid, gid, gid, gid, gid);
    }

    private static Socket client(int port) throws IOException {
        Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
        c.setTimeout(Duration.ofSeconds(30));
        c.connect(SockAddr.parse("127.0.0.1:" + port));
        return c;
    }

    private static String line(Socket c) throws IOException {
        StringBuilder b = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (c.read(one.clear()) == 1 && one.get(0) != '\n') b.append((char) one.get(0));
        return b.toString();
    }

    @Test
    void asRootTheServerBindsAPrivilegedPortThenRunsAsNobodyAndSoDoItsChildren() throws Exception {
        assertThat(ids(ProcessHandle.current().pid())).as("these tests run as root").startsWith("0 0 0 0");
        int port = privilegedPort();
        try (ServeProcess s = ServeProcess.start("serve", "exec", "--bind", "127.0.0.1:" + port, "--user", "nobody", "--",
                "sh", "-c", "echo \"$$ $(id -u)\"; cat")) {
            assertThat(s.port()).as("port below 1024, bound before the drop").isEqualTo(port);
            s.awaitLine(l -> l.startsWith("jsock: running as nobody"));
            assertThat(ids(s.pid())).as("the server").isEqualTo(nobody());
            try (var tasks = Files.list(Path.of("/proc", Long.toString(s.pid()), "task"))) {
                for (Path t : tasks.toList()) {
                    String status;
                    try {
                        status = Files.readString(t.resolve("status"));
                    } catch (IOException threadEnded) {
                        continue;
                    }
                    Matcher m = IDS.matcher(status);
                    assertThat(m.find()).isTrue();
                    assertThat(m.group(1) + " " + m.group(2) + " " + m.group(5)).as("thread %s", t.getFileName())
                            .isEqualTo(nobody().split(" ")[0] + " " + nobody().split(" ")[0] + " " + nobody().split(" ")[4]);
                }
            }
            try (Socket c = client(port)) {
                String[] child = line(c).split(" ");
                assertThat(child[1]).as("the child's id -u").isEqualTo(nobody().split(" ")[0]);
                assertThat(ids(Long.parseLong(child[0]))).as("the exec child").isEqualTo(nobody());
            }
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    @Test
    void preforkWorkersDropBeforeTheyAcceptAndTheirChildrenRunAsTheUser() throws Exception {
        try (ServeProcess s = ServeProcess.start("serve", "exec", "--bind", "127.0.0.1:0", "--model", "prefork:1",
                "--user", "nobody", "--group", "nogroup", "--", "sh", "-c", "echo \"$$ $PPID\"; cat")) {
            try (Socket c = client(s.port())) {
                String[] pids = line(c).split(" ");
                String expected = nobody().replaceAll(" \\d+ \\d+ \\d+ \\d+$", "") + " " + groupIds("nogroup");
                assertThat(ids(Long.parseLong(pids[0]))).as("the exec child").isEqualTo(expected);
                assertThat(ids(Long.parseLong(pids[1]))).as("its worker").isEqualTo(expected);
            }
            assertThat(ids(s.pid())).as("the server").isEqualTo(nobody().replaceAll(" \\d+ \\d+ \\d+ \\d+$", "") + " " + groupIds("nogroup"));
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    private static String groupIds(String group) throws IOException {
        String line = new String(new ProcessBuilder("getent", "group", group).start().getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        String gid = line.split(":")[2];
        return String.join(" ", gid, gid, gid, gid);
    }

    @Test
    void aUnixSocketFileMadeBeforeTheDropIsTheUsersAndIsRemovedAtTheStop(@TempDir Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx")); // nobody may unlink in it
        Path sock = dir.resolve("echo.sock");
        try (ServeProcess s = ServeProcess.start("serve", "echo", "--bind", sock.toString(), "--user", "nobody")) {
            s.awaitLine(l -> l.startsWith("jsock: running as nobody"));
            assertThat(Files.getAttribute(sock, "unix:uid")).isEqualTo(Integer.parseInt(nobody().split(" ")[0]));
            byte[] hello = "hello\n".getBytes(StandardCharsets.US_ASCII);
            assertThat(ServeCommandTest.client(List.of("nc", "-N", "-U", sock.toString()), hello)).isEqualTo(hello);
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
        assertThat(sock).doesNotExist();
    }
}
