package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code jsock ss}: its table and JSON for sockets the test makes, against iproute2's ss. */
class SsCommandTest {

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

    @Test
    void aFullListenerShowsCompletedQueueBacklogAndStatesLikeSs() throws Exception {
        List<Socket> open = new ArrayList<>();
        try (Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            l.bind(SockAddr.loopback4(0));
            l.listen(1);
            SockAddr at = l.getsockname();
            for (int i = 0; i < 2; i++) {
                Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
                open.add(c);
                c.connect(at, Duration.ofSeconds(5));
            }
            Run r = jsock("ss", "-l", "--port", Integer.toString(at.port()));
            assertThat(r.exit()).isZero();
            assertThat(words(r.out())).containsExactly(
                    "State Recv-Q Send-Q Local Address:Port Peer Address:Port SYN-RECV",
                    "LISTEN 2 1 127.0.0.1:" + at.port() + " 0.0.0.0:* 0");
            assertThat(words(ss("-tlnH", "sport = :" + at.port())))
                    .containsExactly("LISTEN 2 1 127.0.0.1:" + at.port() + " 0.0.0.0:*");

            Run connected = jsock("ss", "--port", Integer.toString(at.port()));
            assertThat(words(connected.out())).hasSize(1 + 4) // two clients, two queued server ends
                    .allMatch(l2 -> l2.startsWith("State") || l2.startsWith("ESTABLISHED 0 0 "));

            Run json = jsock("ss", "-a", "--json", "--port", Integer.toString(at.port()));
            assertThat(json.out()).contains("\"state\": \"LISTEN\"", "\"completedQueue\": 2", "\"backlog\": 1",
                    "\"incompleteQueue\": 0", "\"local\": \"127.0.0.1:" + at.port() + "\"");
        } finally {
            open.forEach(Socket::close);
        }
    }

    @Test
    void aPortOutOfRangeIsOneLineAndExitTwo() {
        Run r = jsock("ss", "--port", "70000");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("jsock: --port must be a number from 0 to 65535, got 70000");
    }

    private static String ss(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ss"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
