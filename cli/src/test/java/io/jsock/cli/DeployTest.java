package io.jsock.cli;

import static io.jsock.cli.Activated.SOCKET_ACTIVATE;
import static io.jsock.cli.Activated.echo;
import static io.jsock.cli.Activated.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jsock.socket.SockAddr;
import io.jsock.socket.SocketType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/'s systemd units: parsed by systemd-analyze verify, and their sockets, names and ExecStart
 * run under systemd-socket-activate as systemd would run them (xinetd's entry: {@link XinetdTest}).
 */
class DeployTest {
    static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");
    static final String INSTALLED = "/usr/local/bin/jsock";

    @TempDir
    Path dir;

    /** The values of {@code key=} in a unit file, in order. */
    static List<String> values(Path unit, String key) throws Exception {
        return Files.readAllLines(unit).stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1).trim()).toList();
    }

    private record Run(int exit, String output) {}

    private static Run run(Path cwd, String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
    }

    @Test
    void theSystemdUnitsVerifyCleanly() throws Exception {
        assumeTrue(Files.isExecutable(ANALYZE), "needs systemd-analyze (Debian: systemd)");
        // First a unit that cannot be wrong: if it does not verify cleanly here, the container is why, not deploy/.
        Path known = dir.resolve("known-good.service");
        Files.writeString(known, "[Unit]\nDescription=known good\n\n[Service]\nExecStart=/bin/true\n");
        Run baseline = run(dir, ANALYZE.toString(), "verify", known.toString());
        assumeTrue(baseline.exit() == 0 && baseline.output().isEmpty(),
                () -> "systemd-analyze verify does not work here (a unit with nothing to fault gives: " + baseline + ")");
        // The installed path does not exist here: the repository's launcher stands in for it (verify checks it is executable).
        Path launcher = XinetdTest.deploy("").getParent().resolve("jsock");
        for (String name : List.of("jsock.socket", "jsock.service")) {
            Files.writeString(dir.resolve(name), Files.readString(XinetdTest.deploy(name)).replace(INSTALLED, launcher.toString()));
        }
        Run verify = run(dir, ANALYZE.toString(), "verify", dir.resolve("jsock.socket").toString(), dir.resolve("jsock.service").toString());
        assertThat(verify.output()).as("systemd-analyze verify's complaints").isEmpty();
        assertThat(verify.exit()).isZero();
    }

    @Test
    void theSocketUnitsListenersAndNameServeTheServicesCommand() throws Exception {
        Activated.assumeSocketActivate();
        Path socketUnit = XinetdTest.deploy("jsock.socket"), serviceUnit = XinetdTest.deploy("jsock.service");
        String name = values(socketUnit, "FileDescriptorName").getLast();
        List<String> listen = values(socketUnit, "ListenStream");
        assertThat(listen).hasSize(2);
        // The unit's addresses, made the test's own: its TCP host on a free port, its socket file's name in a temp dir.
        List<String> prefix = new ArrayList<>(List.of(SOCKET_ACTIVATE));
        List<SockAddr> at = new ArrayList<>();
        for (String l : listen) {
            SockAddr unit = SockAddr.parse(l);
            SockAddr mine = unit instanceof SockAddr.Local
                    ? SockAddr.Local.path(dir.resolve(Path.of(l).getFileName()).toString())
                    : SockAddr.parse(l.substring(0, l.lastIndexOf(':') + 1) + freePort(SockAddr.parse(l.substring(0, l.lastIndexOf(':') + 1) + "0"), SocketType.STREAM));
            at.add(mine);
            prefix.addAll(List.of("-l", mine.toString()));
        }
        prefix.add("--fdname=" + name + ":" + name); // systemd gives every socket of the unit its one name
        String exec = values(serviceUnit, "ExecStart").getFirst();
        assertThat(exec).startsWith(INSTALLED + " ");
        String[] args = exec.substring(INSTALLED.length() + 1).split("\\s+");
        try (ServeProcess s = ServeProcess.spawn(prefix, args)) {
            s.awaitLine(l -> l.contains("as 4."));
            for (int i = 0; i < at.size(); i++) {
                assertThat(echo(at.get(i), SocketType.STREAM, "deployed\n")).isEqualTo("deployed\n");
                String fd = Integer.toString(3 + i);
                SockAddr a = at.get(i);
                assertThat(s.awaitLine(l -> l.startsWith("listening on " + a + " ")))
                        .isEqualTo("listening on " + a + " (model virtual, fd " + fd + " \"" + name + "\" inherited)");
            }
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }
}
