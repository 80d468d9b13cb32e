package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.io.TempDir;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** jsock serve: the listening line, echo through Debian's nc and socat, -v lines, exec, and one line for each bad input. */
class ServeCommandTest {

    record Result(int exit, String err) {}

    /** jsock ARGS in this JVM, for inputs that fail before anything listens. */
    static Result inProcess(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = JsockCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cl.execute(args);
        return new Result(exit, err.toString());
    }

    /** jsock ARGS (split at spaces) in this JVM is bad usage: exactly {@code line} on standard error, and exit status 2. */
    static void assertBadUsage(String args, String line) {
        Result r = inProcess(args.split(" "));
        assertThat(r.err()).isEqualTo(line + System.lineSeparator());
        assertThat(r.exit()).isEqualTo(2);
    }

    /** Runs a client program with {@code input} on its stdin; returns its stdout (fails, not hangs, after 60 s). */
    static byte[] client(List<String> argv, byte[] input) throws Exception {
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = p.getInputStream()) {
                    return in.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (OutputStream in = p.getOutputStream()) {
                in.write(input);
            }
            byte[] got = out.get(60, TimeUnit.SECONDS);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("%s exit status", argv).isZero();
            return got;
        } finally {
            p.destroyForcibly();
        }
    }

    static List<String> nc(int port) {
        return List.of("nc", "-N", "127.0.0.1", Integer.toString(port));
    }

    static List<String> socat(int port) {
        return List.of("socat", "-t", "30", "-", "TCP:127.0.0.1:" + port);
    }

    @Test
    void printsTheRealPortWhenZeroWasAskedAndEchoesForNcAndSocatThenExitsZeroOnSigterm() throws Exception {
        try (ServeProcess s = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0")) {
            assertThat(s.err.get(0)).matches("listening on 127\\.0\\.0\\.1:\\d+ \\(model virtual, backlog 128\\)");
            assertThat(s.port()).isNotZero();

            byte[] hello = "hello, jsock\n".getBytes(StandardCharsets.US_ASCII);
            assertThat(client(nc(s.port()), hello)).isEqualTo(hello);
            byte[] mib = new byte[1 << 20];
            new Random(7).nextBytes(mib);
            assertThat(client(socat(s.port()), mib)).isEqualTo(mib);

            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    /** prefork says "listening" once its workers accept: each has the listener (descriptor 3) in its epoll set then. */
    @Test
    void preforkSaysListeningOnlyOnceEveryWorkerWaitsOnTheListener() throws Exception {
        try (ServeProcess s = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0", "--model", "prefork:2")) {
            List<ProcessHandle> workers = ProcessHandle.of(s.pid()).orElseThrow().children() // not the AOT training run
                    .filter(p -> p.info().arguments().map(a -> List.of(a).contains("worker")).orElse(false)).toList();
            assertThat(workers).hasSize(2);
            for (ProcessHandle w : workers) {
                assertThat(watchesListener(w.pid())).as("worker " + w.pid() + " has the listener in an epoll set").isTrue();
            }
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    /** Whether one of the process's epoll instances watches its descriptor 3 (/proc/PID/fdinfo: "tfd:        3"). */
    private static boolean watchesListener(long pid) throws Exception {
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fdinfo"))) {
            for (Path info : fds.toList()) {
                try {
                    if (Files.readAllLines(info).stream().anyMatch(l -> l.matches("tfd:\\s+3\\s.*"))) return true;
                } catch (java.io.IOException gone) {
                    // closed while we looked
                }
            }
        }
        return false;
    }

    @Test
    void theListeningLineGivesTheBacklogTheKernelTookNotTheOneAsked() throws Exception {
        int somaxconn = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).getFirst().strip());
        try (ServeProcess s = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0", "--backlog", "1000000")) {
            Matcher m = ServeProcess.LISTENING.matcher(s.err.get(0));
            assertThat(m.find()).isTrue();
            assertThat(m.group(3)).isEqualTo(Integer.toString(Math.min(1_000_000, somaxconn)));
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    @ParameterizedTest
    @CsvSource({"iterative, iterative", "thread, thread", "pool:3, pool:3", "epoll:2, epoll:2", "uring:2, uring:2", "virtual, virtual", "process, process", "prefork:2, prefork:2"})
    void theListeningLineNamesTheModelAndBacklogAsked(String model, String shown) throws Exception {
        try (ServeProcess s = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0", "--model", model, "--backlog", "7")) {
            Matcher m = ServeProcess.LISTENING.matcher(s.err.get(0));
            assertThat(m.find()).isTrue();
            assertThat(m.group(2)).isEqualTo(shown);
            assertThat(m.group(3)).isEqualTo("7");
            byte[] line = ("via " + model + "\n").getBytes(StandardCharsets.US_ASCII);
            assertThat(client(nc(s.port()), line)).isEqualTo(line);
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    @Test
    void verboseWritesOneLineWhenAConnectionOpensAndOneWhenItCloses() throws Exception {
        try (ServeProcess s = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0", "-v")) {
            client(nc(s.port()), "twelve bytes".getBytes(StandardCharsets.US_ASCII));
            String open = s.awaitLine(l -> l.contains(" open"));
            String closed = s.awaitLine(l -> l.contains(" closed"));
            String ends = "127\\.0\\.0\\.1:\\d+ > 127\\.0\\.0\\.1:" + s.port();
            assertThat(open).matches(ServeLogTest.TIME + " jsock: #1 " + ends + " open");
            assertThat(closed).matches(ServeLogTest.TIME + " jsock: #1 " + ends + " closed after \\d+\\.\\d ms: in 12 B, out 12 B");
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    @Test
    void execRunsTheProgramPerConnectionWithTheSocketAsItsStdinAndStdout() throws Exception {
        try (ServeProcess s = ServeProcess.start("serve", "exec", "--bind", "127.0.0.1:0", "--", "sh", "-c",
                "echo \"$PROTO $TCPREMOTEIP\"; exec tr a-z A-Z")) {
            assertThat(s.err.get(0)).contains("(model process, backlog 128)");
            byte[] got = client(nc(s.port()), "shout\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("TCP 127.0.0.1\nSHOUT\n");
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2 | jsock: Missing required parameter: 'SERVICE' (see: jsock serve --help)          | serve",
        "2 | jsock: unknown service 'qotd'; expected one of echo, discard, daytime, chargen, time; or exec -- CMD ARGS... | serve qotd",
        "2 | jsock: unknown model 'fork'; expected one of iterative, process, thread, virtual, pool[:N], prefork[:N], epoll[:N], uring[:N] | serve echo --model fork",
        "2 | jsock: bad size in model 'pool:0': N must be a number from 1 to 4096            | serve echo --model pool:0",
        "2 | jsock: bad --grace 'soon'; expected a number with a unit: 500ms, 5s, 1.5s, 2m, 1h | serve echo --grace soon",
        "2 | jsock: backlog must be >= 0: -1                                                  | serve echo --backlog -1",
        "2 | jsock: bad --backlog 'many'; expected a whole number (digits 0-9)              | serve echo --backlog many",
        "2 | jsock: bad --backlog '٣'; expected a whole number (digits 0-9)                 | serve echo --backlog ٣",
        "2 | jsock: bad size in model 'pool:٣': N must be a number from 1 to 4096           | serve echo --model pool:٣",
        "2 | jsock: bad size in model 'prefork:4096': N must be a number from 1 to 64 (each worker is a JVM) | serve echo --model prefork:4096",
        "2 | jsock: bad address '127.0.0.1:0,127.0.0.2:0' (one address, not a list); expected | serve echo --bind 127.0.0.1:0,127.0.0.2:0",
        "2 | jsock: bad address 'udp:x:1:2' ('x:1' is neither an IPv4 address nor an IPv6 one in brackets); expected | serve echo --bind udp:x:1:2",
        "2 | jsock: bad address '::1:80' (write an IPv6 address in brackets: [::1]:80); expected | serve echo --bind ::1:80",
        "2 | jsock: bad address '127.0.0.1:٨٠' (the port must be a number from 0 to 65535); expected | serve echo --bind 127.0.0.1:٨٠",
        "2 | jsock: serve exec needs a program: jsock serve exec [OPTIONS] -- CMD ARGS...     | serve exec",
        "2 | jsock: a command runs per connection only with the process or prefork model, not thread | serve exec --model thread -- cat",
        "2 | jsock: service echo takes no command (cat); to run a program per connection: jsock serve exec -- CMD ARGS... | serve echo -- cat",
        "2 | jsock: Unknown option: '--port' (see: jsock serve --help)                         | serve echo --port 7",
        "2 | jsock: bad --socket-mode '999'; expected octal permissions such as 660 or 0600 (owner, group, others) | serve echo --socket-mode 999",
        "2 | jsock: unknown --log-format 'xml'; expected text or json                      | serve echo --log-format xml",
    })
    void badInputGetsOneLineSayingWhatIsAcceptedAndExitStatus2(int exit, String message, String args) {
        Result r = inProcess(args.split(" "));
        if (message.endsWith("; expected")) assertThat(r.err()).startsWith(message + " ").hasLineCount(1); // then the forms
        else assertThat(r.err()).isEqualTo(message + System.lineSeparator());
        assertThat(r.exit()).isEqualTo(exit);
    }

    @Test
    void severalBindsAreServedAtOnceEachWithItsListeningLineAndTheirFilesGoAtStop(@TempDir Path dir) throws Exception {
        Path stream = dir.resolve("echo.sock");
        Path records = dir.resolve("records.sock");
        try (ServeProcess s = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0", "--bind", stream.toString(),
                "--bind", "seqpacket:" + records, "--bind", "[::1]:0", "--socket-mode", "600")) {
            String second = s.awaitLine(l -> l.startsWith("listening on [::1]:"));
            assertThat(s.err).anyMatch(l -> l.equals("listening on " + stream + " (model virtual, backlog 128)"));
            assertThat(s.err).anyMatch(l -> l.equals("listening on seqpacket:" + records + " (model virtual, backlog 128)"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stream))).isEqualTo("rw-------");
            byte[] hello = "hello, several\n".getBytes(StandardCharsets.US_ASCII);
            assertThat(client(nc(s.port()), hello)).isEqualTo(hello);
            assertThat(client(List.of("nc", "-N", "-U", stream.toString()), hello)).isEqualTo(hello);
            int v6 = SockAddr.parse(second.split(" ")[2]).port();
            assertThat(client(List.of("nc", "-N", "::1", Integer.toString(v6)), hello)).isEqualTo(hello);
            assertThat(client(List.of("socat", "-t", "30", "-", "UNIX-CONNECT:" + records + ",type=5"), hello)).isEqualTo(hello);
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
        assertThat(stream).doesNotExist();
        assertThat(records).doesNotExist();
    }

    @Test
    void aSecondServerOnALiveUnixSocketIsRefusedAndAStaleOneIsTakenOver(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.sock");
        try (ServeProcess first = ServeProcess.start("serve", "echo", "--bind", file.toString())) {
            Result r = inProcess("serve", "echo", "--bind", file.toString());
            assertThat(r.err()).isEqualTo("jsock: bind " + file + ": EADDRINUSE (Address already in use): a server is accepting on it; stop it first"
                    + System.lineSeparator());
            assertThat(r.exit()).isEqualTo(1);
            first.process.destroyForcibly(); // SIGKILL: no clean stop, the file stays behind
            first.process.waitFor();
            assertThat(file).exists();
        }
        try (ServeProcess again = ServeProcess.start("serve", "echo", "--bind", file.toString())) {
            byte[] hello = "restarted\n".getBytes(StandardCharsets.US_ASCII);
            assertThat(client(List.of("nc", "-N", "-U", file.toString()), hello)).isEqualTo(hello);
            again.signal("TERM");
            assertThat(again.awaitExit()).isZero();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        ":9877         | say which interfaces: 0.0.0.0:9877 or *:9877 (every IPv4 one), [::]:9877 (IPv6), 127.0.0.1:9877 (loopback)",
        "udp:/tmp/x    | udp: takes an IP address and port; a Unix socket is a path behind dgram: (dgram:/tmp/x)",
    })
    void anUnclearBindSaysWhatToWrite(String bind, String why) {
        Result r = inProcess("serve", "echo", "--bind", bind);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("jsock: bad address '" + bind + "' (" + why + "); expected ").hasLineCount(1);
    }

    @Test
    void aBadAddressSaysWhichFormsWork() {
        Result r = inProcess("serve", "echo", "--bind", "1.2.3:80");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("jsock: bad address '1.2.3:80'").contains("127.0.0.1:9877").hasLineCount(1);
    }

    @Test
    void aPortInUseIsBindsEaddrinuseInOneLineWithExitStatus1() throws Exception {
        try (Socket taken = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            taken.bind(SockAddr.parse("127.0.0.1:0"));
            taken.listen(1);
            int port = taken.getsockname().port();
            Result r = inProcess("serve", "echo", "--bind", "127.0.0.1:" + port);
            assertThat(r.err()).isEqualTo("jsock: bind 127.0.0.1:" + port + ": EADDRINUSE (Address already in use)" + System.lineSeparator());
            assertThat(r.exit()).isEqualTo(1);
        }
    }

    @Test
    void aLinkLocalAddressWithoutItsInterfaceSaysToNameOne() {
        Result r = inProcess("serve", "echo", "--bind", "[fe80::1]:0");
        assertThat(r.err()).isEqualTo("jsock: bind [fe80::1]:0: EINVAL (Invalid argument): a link-local address needs its interface: "
                + "[fe80::1%eth0]:0" + System.lineSeparator());
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void anAddressNotOnThisMachineIsEaddrnotavail() {
        Result r = inProcess("serve", "echo", "--bind", "10.213.254.1:9877");
        assertThat(r.err()).isEqualTo("jsock: bind 10.213.254.1:9877: EADDRNOTAVAIL (Cannot assign requested address)" + System.lineSeparator());
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void aPrivilegedPortForAnOrdinaryUserIsEacces() throws Exception {
        assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "needs root to run jsock as nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        List<String> argv = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        argv.addAll(JsockProcess.command(List.of(), "serve", "echo", "--bind", "127.0.0.1:1"));
        argv.set(argv.indexOf("-cp") + 1, TestJar.classPath());
        JsockProcess.Run r = JsockProcess.run(argv, new byte[0]);
        assertThat(r.err()).isEqualTo("jsock: bind 127.0.0.1:1: EACCES (Permission denied): ports below "
                + Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).getFirst().strip()
                + " need root or CAP_NET_BIND_SERVICE (sysctl net.ipv4.ip_unprivileged_port_start)\n");
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void aChargenClientThatStopsReadingAndLeavesCostsTheServerNothing() throws Exception {
        try (ServeProcess s = ServeProcess.start("serve", "chargen", "--bind", "127.0.0.1:0")) {
            for (int i = 0; i < 3; i++) {
                try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
                    c.setTimeout(java.time.Duration.ofSeconds(60));
                    c.connect(s.address());
                    byte[] first = new byte[1000];
                    c.readFully(first);
                    assertThat(first[0]).isEqualTo((byte) ' ');
                } // closed with unread data: RST, and the server's next send gets EPIPE/ECONNRESET, never SIGPIPE
            }
            assertThat(s.process.isAlive()).isTrue();
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    @Test
    void helpListsTheOptions() {
        StringWriter out = new StringWriter();
        CommandLine cl = JsockCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("serve", "--help")).isZero();
        assertThat(out.toString()).contains("--bind", "--model", "--backlog", "--max-connections", "--grace", "-v", "exec",
                "time (RFC 868)", "--rate-per-source", "--reply-to-privileged-ports", "datagrams: iterative (one loop, default)");
    }

}
