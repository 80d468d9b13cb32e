package io.jsock.cli;

import io.jsock.lab.text.InetText;
import io.jsock.lab.text.TextTable;

import io.jsock.socket.SockAddr;
import io.jsock.socket.TcpState;
import io.jsock.socket.diag.DiagSocket;
import io.jsock.socket.diag.SockDiag;
import io.jsock.socket.diag.SocketOwner;
import io.jsock.socket.diag.UnixDiagSocket;
import java.io.IOException;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jsock ss}: the kernel's TCP, UDP and Unix domain sockets with their states and queues, asked
 * over a routing socket (PF_ROUTE, which is netlink on Linux) with sock_diag, and written as iproute2's
 * {@code ss -n} writes them, with the same options and state names. For a TCP listener it also shows
 * the incomplete queue of UNP 4.5 (connections in SYN_RECV for it), which ss does not.
 */
@Command(name = "ss",
        description = {
            "Sockets, their states and queues, from netlink sock_diag, as iproute2's ss -n shows them: "
                    + "TCP and UDP (IPv4 and IPv6) and Unix domain sockets (stream u_str, datagram u_dgr, seqpacket u_seq).",
            "Without -t, -u or -x: all three kinds. Without -l, -a or a state: connected sockets only, as ss does "
                    + "(for UDP, connected ones; -l shows listeners and unconnected datagram sockets).",
            "For a TCP listener Recv-Q is the completed queue (handshakes done, not yet accepted), Send-Q the backlog, "
                    + "and SYN-RECV the incomplete queue. For a Unix socket the local column is its name (* when unnamed, "
                    + "@name when abstract) and its inode, the peer column its peer's inode.",
            "Short options combine as in ss: -tlnp, -ua, -xa.",
        },
        mixinStandardHelpOptions = true)
public final class SsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--tcp"}, description = "TCP sockets.")
    boolean tcp;

    @Option(names = {"-u", "--udp"}, description = "UDP sockets.")
    boolean udp;

    @Option(names = {"-x", "--unix"}, description = "Unix domain sockets (stream, datagram, seqpacket).")
    boolean unix;

    @Option(names = {"-l", "--listening"}, description = "Listening sockets only (and unconnected datagram sockets).")
    boolean listening;

    @Option(names = {"-a", "--all"}, description = "Sockets in every state.")
    boolean all;

    @Option(names = {"-n", "--numeric"}, description = "Numeric addresses and ports (jsock always writes them so; taken for ss's sake).")
    boolean numeric;

    @Option(names = {"-p", "--processes"}, description = "The processes holding each socket, from /proc/PID/fd: users:((\"name\",pid=N,fd=M)).")
    boolean processes;

    @Option(names = {"-H", "--no-header"}, description = "No header line.")
    boolean noHeader;

    @Option(names = "--port", paramLabel = "N", description = "Only TCP and UDP sockets whose local or peer port is N (filtered in the kernel).")
    Integer port;

    @Option(names = "--json", description = "JSON instead of a table.")
    boolean json;

    @Parameters(paramLabel = "FILTER", arity = "0..*", description = {
        "state STATE (repeatable; replaces -l and -a): established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, "
                + "closed, close-wait, last-ack, listening, closing, or the groups all, connected, synchronized, bucket, big."})
    List<String> filter = new ArrayList<>();

    /** The kinds of socket, in the order ss lists them. */
    enum Kind { UNIX, UDP, TCP }

    @Override
    public Integer call() throws IOException {
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("--port must be a number from 0 to 65535, got " + port);
        }
        Set<Kind> kinds = kinds();
        Set<TcpState> shown = states(kinds);
        Map<Long, List<SocketOwner>> owners = processes ? SocketOwner.byInode() : Map.of();
        List<Row> rows = new ArrayList<>();
        if (kinds.contains(Kind.UNIX) && port == null) {
            for (UnixDiagSocket u : SockDiag.unix(shown)) rows.add(Row.of(u, owners.get(u.inode())));
        }
        if (kinds.contains(Kind.UDP)) {
            for (DiagSocket d : port == null ? SockDiag.udp(shown) : SockDiag.udp(shown, port)) {
                rows.add(Row.of("udp", d, -1, owners.get(d.inode())));
            }
        }
        if (kinds.contains(Kind.TCP)) tcpRows(shown, owners, rows);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? Json.of(rows.stream().map(r -> r.json(processes)).toList()) + "\n" : table(rows, columns(kinds, shown)));
        out.flush();
        return 0;
    }

    /** Every state, SYN_RECV included: the listeners' incomplete queues; a port is filtered in the kernel. */
    private void tcpRows(Set<TcpState> shown, Map<Long, List<SocketOwner>> owners, List<Row> rows) throws IOException {
        List<DiagSocket> everything = port == null ? SockDiag.tcp(SockDiag.ALL_STATES) : SockDiag.tcp(SockDiag.ALL_STATES, port);
        for (DiagSocket d : everything) {
            if (!shown.contains(d.state())) continue;
            rows.add(Row.of("tcp", d, d.isListener() ? SockDiag.incompleteQueue(d, everything) : -1, owners.get(d.inode())));
        }
    }

    private Set<Kind> kinds() {
        Set<Kind> k = EnumSet.noneOf(Kind.class);
        if (unix) k.add(Kind.UNIX);
        if (udp) k.add(Kind.UDP);
        if (tcp) k.add(Kind.TCP);
        return k.isEmpty() ? EnumSet.allOf(Kind.class) : k;
    }

    /** ss's choice: the state filters if any, else -a, else -l, else each kind's default. */
    private Set<TcpState> states(Set<Kind> kinds) {
        if (!filter.isEmpty()) {
            EnumSet<TcpState> s = EnumSet.noneOf(TcpState.class);
            for (int i = 0; i < filter.size(); i += 2) {
                if (!filter.get(i).equals("state") || i + 1 == filter.size()) {
                    throw new IllegalArgumentException("expected a filter 'state STATE', got '" + String.join(" ", filter.subList(i, filter.size()))
                            + "' (see: jsock ss --help)");
                }
                s.addAll(SsStates.parse(filter.get(i + 1)));
            }
            return s;
        }
        if (all) return SsStates.ALL;
        if (listening) return SsStates.LISTENING;
        EnumSet<TcpState> s = EnumSet.noneOf(TcpState.class);
        for (Kind k : kinds) s.addAll(k == Kind.UDP ? SsStates.UDP_DEFAULT : SsStates.CONNECTED);
        return s;
    }

    /** Which optional columns ss would print: Netid unless one kind (Unix is three), State unless one state. */
    record Columns(boolean netid, boolean state, boolean synRecv, boolean header) {}

    private Columns columns(Set<Kind> kinds, Set<TcpState> shown) {
        boolean oneKind = kinds.size() == 1 && !kinds.contains(Kind.UNIX);
        return new Columns(!oneKind, shown.size() != 1, kinds.contains(Kind.TCP) && shown.contains(TcpState.LISTEN), !noHeader);
    }

    /**
     * One socket as a row: ss's fields, and for a TCP listener its incomplete-queue length (-1 otherwise).
     * {@code socket} is the {@link DiagSocket} or {@link UnixDiagSocket} it was made from.
     */
    record Row(String netid, TcpState state, long recvQ, long sendQ, String local, String peer, int incomplete,
            List<SocketOwner> owners, Object socket) {

        static Row of(String netid, DiagSocket d, int incomplete, List<SocketOwner> owners) {
            return new Row(netid, d.state(), d.rqueue(), d.wqueue(), InetText.of(d, d.local(), false),
                    InetText.of(d, d.peer(), true), incomplete, owners == null ? List.of() : owners, d);
        }

        static Row of(UnixDiagSocket u, List<SocketOwner> owners) {
            String netid = switch (u.type()) {
                case STREAM -> "u_str";
                case DGRAM -> "u_dgr";
                case SEQPACKET -> "u_seq";
                default -> "u_" + u.type().name().toLowerCase(java.util.Locale.ROOT);
            };
            return new Row(netid, u.state(), u.rqueue(), u.wqueue(), unixName(u.name()) + " " + u.inode(),
                    "* " + u.peerInode(), -1, owners == null ? List.of() : owners, u);
        }

        Map<String, Object> json(boolean withOwners) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("netid", netid);
            m.put("state", state.name());
            m.put("recvQ", recvQ);
            m.put("sendQ", sendQ);
            switch (socket) {
                case DiagSocket d -> {
                    m.put("family", d.family().pfName());
                    m.put("local", InetText.of(d, d.local(), false));
                    m.put("peer", InetText.of(d, d.peer(), true));
                    if (d.isListener()) {
                        m.put("completedQueue", d.rqueue());
                        m.put("backlog", d.wqueue());
                        m.put("incompleteQueue", incomplete);
                    }
                    m.put("uid", d.uid());
                    m.put("inode", d.inode());
                }
                case UnixDiagSocket u -> {
                    m.put("family", "PF_LOCAL");
                    m.put("local", unixName(u.name()));
                    m.put("inode", u.inode());
                    m.put("peerInode", u.peerInode());
                }
                default -> throw new IllegalStateException("a row of " + socket);
            }
            if (withOwners) {
                m.put("users", owners.stream().map(o -> {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("command", o.command());
                    p.put("pid", o.pid());
                    p.put("fd", o.fd());
                    return p;
                }).toList());
            }
            return m;
        }
    }

    /** A Unix socket's name as ss writes it: the path, {@code @name} when abstract, {@code *} when unnamed. */
    static String unixName(SockAddr.Local name) {
        return name.isUnnamed() ? "*" : name.isAbstract() ? "@" + name.name() : name.name();
    }

    static String table(List<Row> rows, Columns c) {
        List<String> header = new ArrayList<>();
        if (c.netid()) header.add("Netid");
        if (c.state()) header.add("State");
        header.addAll(List.of("Recv-Q>", "Send-Q>", "Local Address:Port", "Peer Address:Port", "Process"));
        if (c.synRecv()) header.add("SYN-RECV>");
        TextTable t = new TextTable(header.toArray(String[]::new));
        for (Row r : rows) {
            List<Object> cells = new ArrayList<>();
            if (c.netid()) cells.add(r.netid());
            if (c.state()) cells.add(SsStates.name(r.state()));
            cells.addAll(List.of(r.recvQ(), r.sendQ(), r.local(), r.peer(), SocketOwner.users(r.owners())));
            if (c.synRecv()) cells.add(r.incomplete() < 0 ? "" : Integer.toString(r.incomplete()));
            t.row(cells.toArray());
        }
        String text = t.render("");
        return c.header() ? text : text.substring(text.indexOf('\n') + 1);
    }
}
