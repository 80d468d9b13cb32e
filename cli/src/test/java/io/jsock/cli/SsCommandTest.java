package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code jsock ss}: its rows for sockets the test makes (TCP, UDP, Unix stream, datagram and seqpacket,
 * abstract names, socket pairs), field by field against iproute2's ss run with the same options, and its
 * options, state filters and JSON.
 */
class SsCommandTest {
    private static final long ME = ProcessHandle.current().pid();
    private final List<Socket> sockets = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() {
        sockets.forEach(Socket::close);
    }

    record Run(int exit, String out, String err) {}

    static Run jsock(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = JsockCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static List<String> words(String table) {
        List<String> rows = new ArrayList<>();
        for (String line : table.split("\n")) if (!line.isBlank()) rows.add(String.join(" ", line.trim().split("\\s+")));
        return rows;
    }

    private Socket open(Family f, SocketType t) throws IOException {
        Socket s = Socket.open(f, t, Protocol.DEFAULT);
        sockets.add(s);
        return s;
    }

    @Test
    void aFullListenerShowsCompletedQueueBacklogAndIncompleteQueueLikeSs() throws Exception {
        Socket l = open(Family.INET, SocketType.STREAM);
        l.bind(SockAddr.loopback4(0));
        l.listen(1);
        SockAddr at = l.getsockname();
        for (int i = 0; i < 2; i++) open(Family.INET, SocketType.STREAM).connect(at, Duration.ofSeconds(5));
        Run r = jsock("ss", "-tl", "--port", Integer.toString(at.port()));
        assertThat(r.exit()).isZero();
        assertThat(words(r.out())).containsExactly(
                "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process SYN-RECV",
                "LISTEN 2 1 127.0.0.1:" + at.port() + " 0.0.0.0:* 0");
        assertThat(words(ss("-tlnH", "sport = :" + at.port()))).containsExactly("LISTEN 2 1 127.0.0.1:" + at.port() + " 0.0.0.0:*");

        Run connected = jsock("ss", "-t", "--port", Integer.toString(at.port()));
        assertThat(words(connected.out())).hasSize(1 + 4) // two clients, two queued server ends
                .allMatch(line -> line.startsWith("State") || line.startsWith("ESTAB 0 0 "));

        Run json = jsock("ss", "-ta", "--json", "--port", Integer.toString(at.port()));
        assertThat(json.out()).contains("\"netid\": \"tcp\"", "\"state\": \"LISTEN\"", "\"completedQueue\": 2", "\"backlog\": 1",
                "\"incompleteQueue\": 0", "\"local\": \"127.0.0.1:" + at.port() + "\"");
    }

    @Test
    void tcpListeningAndEstablishedWithTheirProcessMatchSsFieldByField() throws Exception {
        Socket l = open(Family.INET, SocketType.STREAM);
        l.bind(SockAddr.loopback4(0));
        l.listen(8);
        Socket c = open(Family.INET, SocketType.STREAM);
        c.connect(l.getsockname(), Duration.ofSeconds(5));
        sockets.add(l.accept().socket());
        c.writeFully(new byte[300]); // unread: Recv-Q 300 on the accepted end
        String port = Integer.toString(l.getsockname().port());
        waitForRecvQ(300, "-tanpH", "sport = :" + port + " or dport = :" + port);
        assertSameRows(jsock("ss", "-tanpH", "--port", port), ss("-tanpH", "sport = :" + port + " or dport = :" + port), 3);
    }

    @Test
    void udpBoundAndConnectedMatchSs() throws Exception {
        Socket bound = open(Family.INET, SocketType.DGRAM);
        bound.bind(SockAddr.loopback4(0));
        Socket connected = open(Family.INET, SocketType.DGRAM);
        connected.connect(bound.getsockname());
        connected.write(new byte[40]); // unread by the bound socket: its Recv-Q is the datagram's buffer
        String port = Integer.toString(bound.getsockname().port());
        String filter = "sport = :" + port + " or dport = :" + port;
        waitForRecvQ(-1, "-uanpH", filter);
        assertSameRows(jsock("ss", "-uanpH", "--port", port), ss("-uanpH", filter), 2);
        // without -a: connected only, and one state, so no State column (as ss)
        assertSameRows(jsock("ss", "-unH", "--port", port), ss("-unH", filter), 1);
        assertThat(words(jsock("ss", "-ul", "--port", port).out())).hasSize(2).last().asString().startsWith("UNCONN ");
    }

    @Test
    void ipv6UdpMatchesSs() throws Exception {
        Socket bound = open(Family.INET6, SocketType.DGRAM);
        bound.bind(SockAddr.loopback6(0));
        Socket connected = open(Family.INET6, SocketType.DGRAM);
        connected.connect(bound.getsockname());
        String port = Integer.toString(bound.getsockname().port());
        assertSameRows(jsock("ss", "-uanH", "--port", port), ss("-uanH", "sport = :" + port + " or dport = :" + port), 2);
    }

    @Test
    void unixStreamDatagramSeqpacketAbstractAndPairsMatchSsWithTheirProcess() throws Exception {
        Socket listener = open(Family.LOCAL, SocketType.STREAM);
        listener.bind(SockAddr.Local.path(dir.resolve("s").toString()));
        listener.listen(7);
        Socket client = open(Family.LOCAL, SocketType.STREAM);
        client.connect(listener.getsockname());
        sockets.add(listener.accept().socket());
        client.writeFully(new byte[10]);
        Socket dgram = open(Family.LOCAL, SocketType.DGRAM);
        dgram.bind(SockAddr.Local.path(dir.resolve("d").toString()));
        Socket sender = open(Family.LOCAL, SocketType.DGRAM);
        sender.connect(dgram.getsockname());
        sender.write(new byte[5]);
        Socket seq = open(Family.LOCAL, SocketType.SEQPACKET);
        seq.bind(SockAddr.Local.abstractName("jsock-ss-test-" + ME));
        seq.listen(3);
        open(Family.LOCAL, SocketType.SEQPACKET).connect(seq.getsockname()); // waits in seq's queue: its Recv-Q 1
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        sockets.addAll(List.of(pair));
        Set<Integer> fds = sockets.stream().map(Socket::fd).collect(Collectors.toSet());

        List<String> jsockRows = mine(jsock("ss", "-xanpH").out(), fds);
        List<String> ssRows = mine(ss("-xanpH"), fds);
        assertThat(jsockRows).hasSize(fds.size()).isEqualTo(ssRows);
        assertThat(jsockRows).anyMatch(r -> r.startsWith("u_str LISTEN 0 7 " + dir.resolve("s") + " "))
                .anyMatch(r -> r.startsWith("u_seq LISTEN 1 3 @jsock-ss-test-" + ME + " "))
                .anyMatch(r -> r.startsWith("u_dgr ESTAB 5 0 " + dir.resolve("d") + " "))
                .anyMatch(r -> r.startsWith("u_str ESTAB 10 0 " + dir.resolve("s") + " "));
        // listening: the two listeners, and no State column (one state)
        List<String> listening = mine(jsock("ss", "-xp", "state", "listening").out(), fds);
        assertThat(listening).isEqualTo(mine(ss("-xpH", "state", "listening"), fds)).hasSize(2)
                .allMatch(r -> r.startsWith("u_str 0 7 ") || r.startsWith("u_seq 1 3 "));
    }

    @Test
    void shortOptionsCombineAndTheStateFilterReplacesListening() {
        assertThat(jsock("ss", "-tlnp").exit()).isZero();
        assertThat(jsock("ss", "-ua").exit()).isZero();
        Run r = jsock("ss", "-tlH", "state", "established", "--port", "1");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(words(jsock("ss", "-tu", "state", "established", "state", "listening", "--port", "1").out()))
                .containsExactly("Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process SYN-RECV");
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        Run port = jsock("ss", "--port", "70000");
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err().strip()).isEqualTo("jsock: --port must be a number from 0 to 65535, got 70000");
        Run state = jsock("ss", "state", "listen");
        assertThat(state.exit()).isEqualTo(2);
        assertThat(state.err().strip()).startsWith("jsock: unknown state 'listen'; expected one of established, syn-sent,")
                .doesNotContain("\n");
        Run filter = jsock("ss", "sport", "=", ":80");
        assertThat(filter.exit()).isEqualTo(2);
        assertThat(filter.err().strip()).isEqualTo("jsock: expected a filter 'state STATE', got 'sport = :80' (see: jsock ss --help)");
    }

    // ---- the oracle

    /**
     * The rows are the same sockets with the same fields; jsock may add one (a TCP listener's
     * SYN-RECV count) after ss's last.
     */
    private static void assertSameRows(Run jsock, String ss, int expected) {
        assertThat(jsock.exit()).as(jsock.err()).isZero();
        Set<String> oracle = new TreeSet<>(words(ss));
        Set<String> ours = new TreeSet<>();
        for (String row : words(jsock.out())) {
            String match = oracle.stream().filter(o -> row.equals(o) || row.startsWith(o + " ")).findFirst().orElse(row);
            ours.add(match);
        }
        assertThat(ours).as("jsock:\n" + jsock.out() + "ss:\n" + ss).hasSize(expected).isEqualTo(oracle);
    }

    private static final Pattern OWNER = Pattern.compile("pid=(\\d+),fd=(\\d+)\\)");

    /** The rows held by this process at one of {@code fds}, sorted. */
    private static List<String> mine(String table, Set<Integer> fds) {
        List<String> rows = new ArrayList<>();
        for (String row : words(table)) {
            Matcher m = OWNER.matcher(row);
            while (m.find()) {
                if (Long.parseLong(m.group(1)) == ME && fds.contains(Integer.parseInt(m.group(2)))) {
                    rows.add(row);
                    break;
                }
            }
        }
        rows.sort(null);
        return rows;
    }

    /** Waits (at most 5 s) until ss shows a row whose Recv-Q is {@code n} (any non-zero for -1): the kernel queues on its own time. */
    private static void waitForRecvQ(int n, String options, String filter) throws Exception {
        for (int i = 0; i < 250; i++) {
            for (String row : words(ss(options, filter))) {
                long q = Long.parseLong(row.split(" ")[1]);
                if (n < 0 ? q > 0 : q == n) return;
            }
            Thread.sleep(20);
        }
    }

    static String ss(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ss"));
        for (String a : args) cmd.addAll(a.startsWith("-") ? List.of(a) : List.of(a.split(" ")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
