package io.jsock.lab;

import io.jsock.lab.text.InetText;
import io.jsock.server.Handler;
import io.jsock.server.Model;
import io.jsock.server.TcpServer;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * UNP 4.8: an iterative server serves one client at a time, so a second client waits (its
 * connection complete, sitting in the listener's completed queue) until the first leaves; a
 * concurrent server serves both at once: a process per client (spawned, running {@code cat} on the
 * socket, UNP's fork model), a thread per client, a virtual thread per client. The same echo
 * handler runs under each thread model of {@link TcpServer}.
 */
final class IterativeVsConcurrent implements Experiment {
    /** How long the second client waits for its echo while the first is still connected, on the iterative server. */
    private static final Duration WAIT_WHILE_BUSY = Duration.ofMillis(500);
    /** A bound for replies that should come. */
    private static final Duration REPLY = Duration.ofSeconds(3);

    @Override
    public String name() {
        return "iterative-vs-concurrent";
    }

    @Override
    public String section() {
        return "4.8";
    }

    @Override
    public String claim() {
        return "An iterative server handles one client before the next; a concurrent server (fork per client, or a thread "
                + "per client) handles many at once, so a client is not kept waiting by another.";
    }

    /** UNP's str_echo: what comes in goes back, until the client's FIN. */
    private static final Handler ECHO = c -> {
        byte[] b = new byte[256];
        int n;
        while ((n = c.socket().read(b)) > 0) c.socket().writeFully(b, 0, n);
    };

    @Override
    public void run(Findings f) throws Exception {
        Map<String, Object> facts = new LinkedHashMap<>();
        for (Model m : List.of(Model.ITERATIVE, Model.PROCESS, Model.THREAD, Model.VIRTUAL)) facts.put(m.cliName(), serve(f, m));
        f.fact("models", facts);
    }

    /** Two clients, the first staying connected; whether the second is served meanwhile. */
    private static Map<String, Object> serve(Findings f, Model model) throws Exception {
        boolean concurrent = !(model instanceof Model.Iterative);
        TcpServer.Builder builder = TcpServer.builder().bind(SockAddr.loopback4(0)).backlog(8).model(model).grace(Duration.ZERO);
        // The process model runs a program per connection with the socket as its stdin and stdout: cat echoes.
        builder = model.runsCommands() ? builder.command(List.of("cat")) : builder.handler(ECHO);
        try (TcpServer server = builder.start();
                Socket a = client(server.localAddress());
                Socket b = client(server.localAddress())) {
            SockAddr at = server.localAddress();
            String first = echo(a, "A", REPLY);
            // b's connect returned: the kernel completed its handshake, whoever accepts it.
            String whileBusy = echo(b, "B", concurrent ? REPLY : WAIT_WHILE_BUSY);
            long queued = Probe.listener(at).rqueue();
            f.saw(String.format("%-9s server %s: client 1 echoed %s; client 2, connected while client 1 stays: %s; "
                    + "completed queue (Recv-Q) %d", model.cliName(), InetText.of(at), first, whileBusy, queued));
            f.expect(first.startsWith("\"A\""), model + ": the first client was not served: " + first);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("secondServedWhileFirstConnected", whileBusy.startsWith("\"B\""));
            m.put("completedQueueWhileFirstConnected", queued);
            if (concurrent) {
                f.expect(whileBusy.startsWith("\"B\""), model + ": the second client was not served while the first was connected");
                f.expect(queued == 0, model + ": a connection waited in the completed queue");
            } else {
                f.expect(whileBusy.startsWith("no reply"), "iterative: the second client was served while the first was connected");
                f.expect(queued == 1, "iterative: the second connection was not in the completed queue (Recv-Q " + queued + ")");
                a.close(); // the first client leaves: the loop accepts the next
                String after = read(b, REPLY);
                f.saw("  iterative: once client 1 closed, client 2 got " + after);
                f.expect(after.startsWith("\"B\""), "iterative: the second client was not served after the first left: " + after);
                m.put("secondServedAfterFirstLeft", after.startsWith("\"B\""));
            }
            return m;
        }
    }

    private static Socket client(SockAddr at) throws IOException {
        Socket s = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
        boolean ok = false;
        try {
            s.connect(at, REPLY);
            ok = true;
            return s;
        } finally {
            if (!ok) s.close();
        }
    }

    /** Sends one letter and waits up to {@code wait} for it to come back. */
    private static String echo(Socket s, String letter, Duration wait) throws IOException {
        s.writeFully(letter.getBytes());
        return read(s, wait);
    }

    private static String read(Socket s, Duration wait) throws IOException {
        s.setTimeout(wait);
        byte[] b = new byte[16];
        long start = System.nanoTime();
        try {
            int n = s.read(b);
            if (n < 0) return "end of stream";
            return "\"" + new String(b, 0, n) + "\" after " + (System.nanoTime() - start) / 1_000_000 + " ms";
        } catch (SocketTimeoutException timeout) {
            return "no reply in " + wait.toMillis() + " ms";
        }
    }
}
