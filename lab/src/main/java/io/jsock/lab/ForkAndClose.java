package io.jsock.lab;

import io.jsock.lab.draw.Ladder;
import io.jsock.lab.text.InetText;
import io.jsock.socket.process.ChildProcess;
import io.jsock.socket.process.ExitStatus;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * UNP 4.8-4.9: the concurrent server's parent closes connfd after handing it to a child; that close
 * drops one reference and sends nothing; the child serves the client and exits, and its exit
 * closes the last reference, which sends the FIN. The child is spawned (fork and exec in one
 * posix_spawn call: a JVM does not fork) with connfd as its standard input and output, running
 * {@code head -c 6}: it echoes six bytes and exits 0, UNP's {@code doit(connfd); exit(0)}.
 */
final class ForkAndClose implements Experiment {
    /** How long to watch for a segment that should not come. */
    private static final long QUIET_MILLIS = 300;
    private static final String HELLO = "hello\n";
    private static final String PARENT_CLOSE = "parent: close(connfd)", QUIET = QUIET_MILLIS + " ms later",
            CHILD_EXIT = "child exited: last reference closed";

    @Override
    public String name() {
        return "fork-and-close";
    }

    @Override
    public String section() {
        return "4.8";
    }

    @Override
    public String claim() {
        return "In the concurrent server the parent closes connfd after fork: that only decrements the reference count, "
                + "so no FIN goes out while the child holds the socket; the child's close (or exit) of the last reference sends it.";
    }

    @Override
    public void run(Findings f) throws Exception {
        try (Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
                Socket peer = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            l.bind(SockAddr.loopback4(0));
            l.listen(4);
            SockAddr at = l.getsockname();
            try (Wire wire = Wire.on(f, null, "lo", at.port())) {
                run(f, l, peer, at, wire);
            }
        }
    }

    private static void run(Findings f, Socket l, Socket peer, SockAddr at, Wire wire) throws Exception {
        peer.connect(at, Duration.ofSeconds(5));
        peer.setTimeout(Duration.ofSeconds(5));
        ChildProcess child;
        SockAddr here, there;
        try (Socket connfd = l.accept().socket()) {
            here = connfd.getsockname();
            there = peer.getsockname();
            connfd.setBlockingForChild(true); // head(1) reads and writes it as a blocking descriptor
            child = ChildProcess.builder(List.of("head", "-c", Integer.toString(HELLO.length()))).stdio(connfd).start();
            f.saw("accepted " + InetText.of(there) + " -> " + InetText.of(here) + "; spawned child pid " + child.pid()
                    + " (head -c 6) with connfd as its stdin and stdout");
            wire.mark(PARENT_CLOSE);
        } // the parent's close(connfd)
        try {
            int before = Probe.segsIn(peer);
            Thread.sleep(QUIET_MILLIS);
            wire.mark(QUIET);
            int afterClose = Probe.segsIn(peer);
            String read = Probe.tryRead(peer);
            String state = Probe.state(here, there);
            f.saw("parent closed connfd: the peer received " + (afterClose - before) + " segments in " + QUIET_MILLIS
                    + " ms; its read: " + read + "; the server's socket is " + state + " (the child holds it)");
            f.expect(afterClose == before, "the parent's close sent " + (afterClose - before) + " segments");
            f.expect(read.startsWith("EAGAIN"), "after the parent's close the peer read " + read);
            f.expect(state.equals("ESTABLISHED"), "after the parent's close the server socket is " + state);

            int beforeChild = Probe.segsIn(peer);
            peer.writeFully(HELLO.getBytes());
            byte[] got = new byte[HELLO.length()];
            peer.readFully(got);
            ExitStatus st = child.waitFor(Duration.ofSeconds(5));
            wire.mark(CHILD_EXIT);
            int n = peer.read(ByteBuffer.allocate(1)); // EOF once the last reference is closed
            String serverState = Probe.state(here, there);
            f.saw("the child echoed \"" + new String(got).strip() + "\" and exited (" + st + "); the peer then read "
                    + (n < 0 ? "end of stream: the FIN" : n + " bytes") + "; segments received since: "
                    + (Probe.segsIn(peer) - beforeChild) + "; the server's socket is " + serverState);
            f.expect(st != null && st.success(), "the child did not exit 0: " + st);
            f.expect(n == -1, "after the child's exit the peer read " + n + " instead of end of stream");
            f.fact("segmentsAfterParentClose", afterClose - before);
            f.fact("peerSawEndOfStreamAfterChildExit", n == -1);
            Ladder ladder = wire.draw(f, "the parent closes connfd, the child serves and exits", "client", there, "server", here);
            if (ladder != null) {
                List<Ladder.Arrow> onParent = ladder.between(PARENT_CLOSE, QUIET), afterChild = ladder.between(CHILD_EXIT, null);
                f.saw("on the wire: the parent's close sent " + Handshake.describe(onParent) + "; the child's exit: "
                        + Handshake.describe(afterChild));
                f.expect(onParent.isEmpty(), "the parent's close put segments on the wire: " + Handshake.describe(onParent));
                f.expect(ladder.arrows().stream().anyMatch(a -> !a.rightward() && a.flags().startsWith("FIN")),
                        "the server sent no FIN: " + Handshake.describe(ladder.arrows()));
            }
        } finally {
            if (child.isAlive()) child.kill();
            child.waitFor(Duration.ofSeconds(5));
        }
    }
}
