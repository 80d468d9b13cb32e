package io.jsock.lab;

import io.jsock.lab.draw.Ladder;
import io.jsock.lab.draw.Queues;

import io.jsock.lab.text.InetText;
import io.jsock.lab.text.TextTable;
import io.jsock.lab.net.NetCounters;
import io.jsock.lab.net.TestNetwork;
import io.jsock.socket.Accepted;
import io.jsock.socket.diag.DiagSocket;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.diag.SockDiag;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.TcpState;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * UNP 4.5: the two queues of a listening socket, on a real (namespaced) network.
 *
 * <p>Incomplete queue: clients connect from an address whose way back the router blackholes, so
 * the server's SYN-ACKs never arrive and each connection stays in SYN_RECV. Completed queue: a
 * listener that never accepts takes backlog + 1 completed connections (Linux counts "full" as more
 * than the backlog); the next client's SYN is dropped (ListenOverflows) and retried
 * (TCPSynRetrans). Then accept drains the queue in the order the handshakes completed, and the
 * waiting client gets in on a retry.
 */
final class ListenQueues implements Experiment {
    /** The completed-queue listener's backlog. */
    private static final int BACKLOG = 2;
    /** Connections left half-open in the incomplete queue. */
    private static final int HALF_OPEN = 3;

    @Override
    public String name() {
        return "listen-queues";
    }

    @Override
    public String section() {
        return "4.5";
    }

    @Override
    public String claim() {
        return "A listening socket has two queues: the incomplete queue (SYN received, handshake not done: SYN_RCVD) and "
                + "the completed queue (ESTABLISHED, waiting for accept); backlog bounds them; accept takes the first entry "
                + "of the completed queue.";
    }

    @Override
    public void run(Findings f) throws Exception {
        String unavailable = TestNetwork.unavailableReason();
        if (unavailable != null) {
            f.skip(unavailable);
            return;
        }
        List<Socket> open = new ArrayList<>();
        try (TestNetwork net = TestNetwork.create(); Wire wire = Wire.on(f, net.server(), "eth0", 0)) {
            f.saw("network: " + net);
            incompleteQueue(f, net, open);
            incompleteQueueBound(f, net, open);
            completedQueue(f, net, open, wire);
            backlogCap(f, net);
        } finally {
            for (Socket s : open) s.close();
        }
    }

    private static void incompleteQueue(Findings f, TestNetwork net, List<Socket> open) throws Exception {
        Inet4Address lost = lastByte(net.clientAddress(), 10);
        net.ip(net.client(), "addr", "add", lost.getHostAddress() + "/26", "dev", "eth0");
        net.ip(net.router(), "route", "add", "blackhole", lost.getHostAddress() + "/32");
        f.saw("client address " + lost.getHostAddress() + ": the router blackholes everything sent to it (its SYNs go out, "
                + "the SYN-ACKs never come back)");

        Socket l = net.call(net.server(), () -> listener(net.serverAddress(), 8));
        open.add(l);
        SockAddr at = l.getsockname();
        List<Socket> halfOpen = new ArrayList<>();
        for (int i = 0; i < HALF_OPEN; i++) {
            Socket c = net.call(net.client(), () -> Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP));
            open.add(c);
            halfOpen.add(c);
            c.bind(SockAddr.of(lost, 0));
            try {
                c.connect(at, Duration.ofMillis(20)); // the SYN leaves; the handshake cannot complete
                f.unexpected("a connect from the blackholed address completed");
            } catch (SocketTimeoutException expected) {
                // jsock's own timeout: the socket stays in SYN_SENT, retrying
            }
        }
        boolean seen = Probe.within(3000, () -> incomplete(net, at) == HALF_OPEN);
        List<DiagSocket> server = net.call(net.server(), () -> SockDiag.tcp(SockDiag.ALL_STATES, at.port()));
        DiagSocket listener = Probe.listener(at, server);
        int pending = SockDiag.incompleteQueue(listener, server);
        f.saw("server (sock_diag in its namespace), listener " + InetText.of(at) + " backlog 8:");
        f.sawLines(table(server).render("  "));
        f.saw("incomplete queue: " + pending + " in SYN_RECV; completed queue (Recv-Q): " + listener.rqueue());
        List<DiagSocket> client = net.call(net.client(), () -> SockDiag.tcp(SockDiag.ALL_STATES, at.port()));
        long synSent = client.stream().filter(d -> d.state() == TcpState.SYN_SENT).count();
        f.saw("the clients' side of those connections: " + synSent + " in SYN_SENT");
        f.expect(seen && pending == HALF_OPEN, "expected " + HALF_OPEN + " connections in SYN_RECV, saw " + pending);
        f.expect(listener.rqueue() == 0, "half-open connections reached the completed queue: " + listener.rqueue());
        f.figure(new Queues(HALF_OPEN + " clients whose SYN-ACKs are lost", pending, (int) listener.rqueue(), (int) listener.wqueue()));
        f.fact("incompleteQueue", pending);
        f.fact("completedQueueWhileHalfOpen", listener.rqueue());
        for (Socket c : halfOpen) c.close(); // from SYN_SENT, close sends nothing; their SYN retries would muddle the counters below
    }

    /**
     * The incomplete queue is bounded by the backlog too (as the completed queue, "full" is more than
     * the backlog): with {@code net.ipv4.tcp_syncookies = 1}, the default, Linux answers the SYNs
     * beyond it with a SYN cookie and keeps no entry.
     */
    private static void incompleteQueueBound(Findings f, TestNetwork net, List<Socket> open) throws Exception {
        Inet4Address lost = lastByte(net.clientAddress(), 10);
        Socket l = net.call(net.server(), () -> listener(net.serverAddress(), BACKLOG));
        open.add(l);
        SockAddr at = l.getsockname();
        NetCounters server0 = net.counters(net.server());
        List<Socket> halfOpen = new ArrayList<>();
        int syns = BACKLOG + 3;
        for (int i = 0; i < syns; i++) {
            Socket c = net.call(net.client(), () -> Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP));
            open.add(c);
            halfOpen.add(c);
            c.bind(SockAddr.of(lost, 0));
            try {
                c.connect(at, Duration.ofMillis(20));
            } catch (SocketTimeoutException expected) {
                // still SYN_SENT
            }
        }
        Probe.within(2000, () -> {
            NetCounters now = net.counters(net.server());
            return incomplete(net, at) + now.since(server0, "TcpExt", "SyncookiesSent") >= syns;
        });
        int pending = incomplete(net, at);
        NetCounters server1 = net.counters(net.server());
        long cookies = server1.since(server0, "TcpExt", "SyncookiesSent");
        String syncookies = net.call(net.server(),
                () -> java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_syncookies")).get(0).trim());
        f.saw(syns + " half-open connections to a listener with backlog " + BACKLOG + ": " + pending
                + " in SYN_RECV, and TcpExt.SyncookiesSent +" + cookies + " (net.ipv4.tcp_syncookies = " + syncookies + ")");
        f.expect(pending <= BACKLOG + 1, "the incomplete queue grew past backlog + 1: " + pending);
        if (cookies > 0) {
            f.differs("backlog bounds each queue on its own here, not the two together: the incomplete queue stops at backlog + 1 ("
                    + pending + " of " + syns + " SYNs kept) and Linux answers the rest with SYN cookies, the state encoded in the "
                    + "SYN-ACK's sequence number, no queue entry (tcp_syncookies = " + syncookies + ")");
        }
        f.figure(new Queues(syns + " SYNs whose SYN-ACKs are lost, to backlog " + BACKLOG, pending,
                (int) listenerIn(net, at).rqueue(), BACKLOG));
        f.fact("incompleteQueueBound", pending);
        f.fact("syncookiesSent", cookies);
        for (Socket c : halfOpen) c.close();
    }

    private static int incomplete(TestNetwork net, SockAddr at) throws Exception {
        List<DiagSocket> all = net.call(net.server(), () -> SockDiag.tcp(SockDiag.ALL_STATES, at.port()));
        return SockDiag.incompleteQueue(Probe.listener(at, all), all);
    }

    private static void completedQueue(Findings f, TestNetwork net, List<Socket> open, Wire wire) throws Exception {
        Socket l = net.call(net.server(), () -> listener(net.serverAddress(), BACKLOG));
        open.add(l);
        SockAddr at = l.getsockname();
        List<SockAddr> order = new ArrayList<>();
        for (int i = 0; i < BACKLOG + 1; i++) {
            Socket c = net.call(net.client(), () -> Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP));
            open.add(c);
            c.connect(at, Duration.ofSeconds(3));
            order.add(c.getsockname());
        }
        Probe.within(2000, () -> listenerIn(net, at).rqueue() == BACKLOG + 1);
        DiagSocket full = listenerIn(net, at);
        f.saw("listener " + InetText.of(at) + " backlog " + BACKLOG + " never accepts; " + (BACKLOG + 1)
                + " clients connected: completed queue (Recv-Q) " + full.rqueue() + ", backlog (Send-Q) " + full.wqueue());
        f.expect(full.rqueue() == BACKLOG + 1, "the completed queue held " + full.rqueue() + ", not backlog + 1 = " + (BACKLOG + 1));
        f.figure(new Queues((BACKLOG + 1) + " clients connected, none accepted", incomplete(net, at), (int) full.rqueue(),
                (int) full.wqueue()));
        f.fact("completedQueueFull", full.rqueue());
        f.fact("backlog", full.wqueue());

        NetCounters server0 = net.counters(net.server()), client0 = net.counters(net.client());
        Socket late = net.call(net.client(), () -> Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP));
        open.add(late);
        late.bind(SockAddr.of(net.clientAddress(), 0));
        SockAddr lateAt = late.getsockname();
        wire.ladder("", "", net.clientAddress(), 0, ""); // what came before is not drawn
        wire.mark("one more client: connect()");
        CompletableFuture<Void> lateConnect = CompletableFuture.runAsync(() -> {
            try {
                late.connect(at, Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, r -> Thread.ofVirtual().name("jsock-lab-late-client").start(r));
        // The first SYN retransmission is due after 1 s (the initial RTO).
        boolean retried = Probe.within(2500, () -> late.getOption(SockOpt.TCP_INFO).totalRetrans() >= 1);
        Thread.sleep(300); // let the retransmitted SYN reach the server (and be dropped too) before looking
        NetCounters server1 = net.counters(net.server()), client1 = net.counters(net.client());
        long overflows = server1.since(server0, "TcpExt", "ListenOverflows");
        long drops = server1.since(server0, "TcpExt", "ListenDrops");
        long synRetrans = client1.since(client0, "TcpExt", "TCPSynRetrans");
        int ownRetrans = late.getOption(SockOpt.TCP_INFO).totalRetrans();
        String lateInNs = net.call(net.client(), () -> Probe.state(late.getsockname(), at));
        wire.mark("the completed queue still full");
        Ladder dropped = wire.draw(f, "the completed queue is full: the server drops the SYN (seen on its interface)",
                "client", lateAt, "server", at);
        if (dropped != null) {
            List<Ladder.Arrow> syns = dropped.arrows();
            f.saw("on the server's wire: " + Handshake.describe(syns) + ", no SYN-ACK while the queue is full");
            f.expect(syns.size() >= 2 && syns.stream().allMatch(a -> a.rightward() && a.flags().equals("SYN")),
                    "the server's wire shows more than the late client's SYNs: " + Handshake.describe(syns));
        }
        f.saw("one more client: still " + lateInNs + " after its SYN was retransmitted " + ownRetrans
                + " time(s) (its TCP_INFO; client TcpExt.TCPSynRetrans +" + synRetrans + "); server TcpExt.ListenOverflows +"
                + overflows + ", ListenDrops +" + drops + ": each SYN dropped; completed queue still " + listenerIn(net, at).rqueue());
        f.expect(!lateConnect.isDone(), "the client beyond backlog + 1 connected at once");
        f.expect(retried && ownRetrans >= 1, "the late client's SYN was not retransmitted");
        f.expect(overflows >= 1, "the server counted no listen-queue overflow");
        f.expect(lateInNs.equals("SYN_SENT"), "the late client is " + lateInNs + ", not SYN_SENT");
        f.fact("listenOverflows", overflows);
        f.fact("lateClientSynRetransmissions", ownRetrans);

        List<String> accepted = new ArrayList<>();
        boolean fifo = true;
        for (int i = 0; i < BACKLOG + 1; i++) {
            Accepted a = l.tryAccept();
            if (a == Accepted.UNAVAILABLE) {
                f.unexpected("accept found the completed queue empty after " + i + " connections");
                fifo = false;
                break;
            }
            open.add(a.socket());
            accepted.add(InetText.of(a.peer()));
            fifo &= Probe.same(a.peer(), order.get(i));
        }
        f.saw("connect order: " + order.stream().map(InetText::of).toList());
        f.saw("accept order:  " + accepted);
        f.expect(fifo, "accept did not return the connections in the order their handshakes completed");
        f.fact("acceptInConnectOrder", fifo);

        try {
            lateConnect.get(8, TimeUnit.SECONDS);
            l.setTimeout(Duration.ofSeconds(3));
            Accepted a = l.accept();
            open.add(a.socket());
            int retrans = late.getOption(SockOpt.TCP_INFO).totalRetrans();
            f.saw("with room in the queue, the late client's next SYN retransmission got in: accepted "
                    + InetText.of(a.peer()) + " after " + retrans + " SYN retransmission(s)");
            f.expect(Probe.same(a.peer(), late.getsockname()), "accept returned " + a.peer() + ", not the late client");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            f.unexpected("the late client did not connect once the queue had room: " + e.getMessage());
        }
    }

    /** listen(2) silently caps the backlog at net.core.somaxconn; sock_diag's Send-Q shows what the kernel kept. */
    private static void backlogCap(Findings f, TestNetwork net) throws Exception {
        int asked = 1_000_000;
        String[] got = net.call(net.server(), () -> {
            String somaxconn = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/core/somaxconn")).get(0).trim();
            try (Socket l = listener(net.serverAddress(), asked)) {
                return new String[] {somaxconn, Long.toString(Probe.listener(l.getsockname()).wqueue())};
            }
        });
        f.saw("listen(fd, " + asked + "): backlog (Send-Q) " + got[1] + "; net.core.somaxconn is " + got[0]
                + " (the kernel caps the backlog there without an error)");
        f.expect(got[1].equals(got[0]), "the backlog kept (" + got[1] + ") is not somaxconn (" + got[0] + ")");
        f.fact("backlogCappedAt", Long.parseLong(got[1]));
    }

    private static DiagSocket listenerIn(TestNetwork net, SockAddr at) throws Exception {
        return net.call(net.server(), () -> Probe.listener(at));
    }

    private static Socket listener(Inet4Address address, int backlog) throws java.io.IOException {
        Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP);
        boolean ok = false;
        try {
            l.bind(SockAddr.of(address, 0));
            l.listen(backlog);
            ok = true;
            return l;
        } finally {
            if (!ok) l.close();
        }
    }

    private static TextTable table(List<DiagSocket> sockets) {
        TextTable t = new TextTable("State", "Recv-Q>", "Send-Q>", "Local", "Peer", "SYN-ACKs resent>");
        for (DiagSocket d : sockets) {
            t.row(d.state(), d.rqueue(), d.wqueue(), InetText.of(d, d.local(), false), InetText.of(d, d.peer(), true),
                    d.state() == TcpState.SYN_RECV ? d.retrans() : "");
        }
        return t;
    }

    private static Inet4Address lastByte(Inet4Address a, int last) throws java.net.UnknownHostException {
        byte[] b = a.getAddress();
        b[3] = (byte) last;
        return (Inet4Address) InetAddress.getByAddress(b);
    }
}
