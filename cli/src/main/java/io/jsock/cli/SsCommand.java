package io.jsock.cli;

import io.jsock.lab.text.InetText;
import io.jsock.lab.text.TextTable;

import io.jsock.socket.diag.DiagSocket;
import io.jsock.socket.diag.SockDiag;
import io.jsock.socket.TcpState;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jsock ss}: the kernel's TCP sockets with their states and queues, asked over a routing
 * socket (PF_ROUTE, which is netlink on Linux) with sock_diag, as iproute2's {@code ss -tan} does.
 * For a listener it shows both queues of UNP 4.5: the completed queue (Recv-Q), the backlog
 * (Send-Q) and the incomplete queue (connections in SYN_RECV for it).
 */
@Command(name = "ss",
        description = {
            "TCP sockets and their queues, from netlink sock_diag (as ss -tan shows them).",
            "IPv4 and IPv6, with state, Recv-Q, Send-Q and addresses. For a listener, Recv-Q is the completed queue "
                    + "(handshakes done, not yet accepted), Send-Q the backlog, and SYN-RECV the incomplete queue.",
            "Without -l or -a, connected sockets only (not LISTEN, SYN_RECV, TIME_WAIT), as ss does.",
        },
        mixinStandardHelpOptions = true)
public final class SsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-l", "--listening"}, description = "Listening sockets only.")
    boolean listening;

    @Option(names = {"-a", "--all"}, description = "Sockets in every state.")
    boolean all;

    @Option(names = "--port", paramLabel = "N", description = "Only sockets whose local or peer port is N.")
    Integer port;

    @Option(names = "--json", description = "JSON instead of a table.")
    boolean json;

    /** Connected states: what ss shows without -l or -a. */
    static final Set<TcpState> CONNECTED = EnumSet.complementOf(EnumSet.of(TcpState.UNKNOWN, TcpState.LISTEN,
            TcpState.SYN_RECV, TcpState.NEW_SYN_RECV, TcpState.TIME_WAIT, TcpState.CLOSE));

    @Override
    public Integer call() throws Exception {
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("--port must be a number from 0 to 65535, got " + port);
        }
        Set<TcpState> shown = all ? SockDiag.ALL_STATES : listening ? EnumSet.of(TcpState.LISTEN) : CONNECTED;
        // Every state, SYN_RECV included: the listeners' incomplete queues. A port is filtered in the kernel.
        List<DiagSocket> everything = port == null ? SockDiag.tcp(SockDiag.ALL_STATES) : SockDiag.tcp(SockDiag.ALL_STATES, port);
        List<Row> rows = new ArrayList<>();
        for (DiagSocket d : everything) {
            if (!shown.contains(d.state())) continue;
            if (port != null && d.local().port() != port && d.peer().port() != port) continue;
            rows.add(new Row(d, d.isListener() ? SockDiag.incompleteQueue(d, everything) : -1));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? Json.of(rows.stream().map(Row::json).toList()) + "\n" : table(rows));
        out.flush();
        return 0;
    }

    /** One socket and, for a listener, its incomplete-queue length (-1 otherwise). */
    record Row(DiagSocket socket, int incomplete) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("family", socket.family().pfName());
            m.put("state", socket.state().name());
            m.put("recvQ", socket.rqueue());
            m.put("sendQ", socket.wqueue());
            m.put("local", InetText.of(socket, socket.local(), false));
            m.put("peer", InetText.of(socket, socket.peer(), true));
            if (socket.isListener()) {
                m.put("completedQueue", socket.rqueue());
                m.put("backlog", socket.wqueue());
                m.put("incompleteQueue", incomplete);
            }
            m.put("uid", socket.uid());
            m.put("inode", socket.inode());
            return m;
        }
    }

    static String table(List<Row> rows) {
        TextTable t = new TextTable("State", "Recv-Q>", "Send-Q>", "Local Address:Port", "Peer Address:Port", "SYN-RECV>");
        for (Row r : rows) {
            DiagSocket d = r.socket();
            t.row(d.state().name(), d.rqueue(), d.wqueue(), InetText.of(d, d.local(), false), InetText.of(d, d.peer(), true),
                    r.incomplete() < 0 ? "" : r.incomplete());
        }
        return t.render("");
    }
}
