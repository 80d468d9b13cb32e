package io.jsock.cli;

import io.jsock.server.Server;
import io.jsock.server.TcpServer;
import io.jsock.socket.Errno;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketClosedException;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code --control PATH}: a Unix stream socket on which a running {@code jsock serve} hands its
 * listeners to a successor ({@code --takeover}, see {@link Takeover} for the exchange). After the
 * successor says it serves them, every server here is marked {@linkplain TcpServer#handOver handed
 * over} and the stop begins: no listener is closed for the kernel (the successor holds each), so no
 * connection in an accept queue is lost. The control socket itself is handed over too, and its file
 * stays; the last server to stop cleanly removes it.
 */
final class ControlSocket implements AutoCloseable {
    /** The most descriptors one answer carries (the kernel's SCM_MAX_FD). */
    static final int MAX_DESCRIPTORS = 253;
    /** How long a successor may take between receiving the listeners and saying it serves them. */
    static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final Socket listener;
    private final Path path;
    private final Servers servers;
    private final Consumer<String> say;     // one line on standard error
    private final Consumer<Integer> handedOver; // the stop, given the successor's pid
    private volatile boolean handed;
    private Thread thread;

    private ControlSocket(Socket listener, Path path, Servers servers, Consumer<String> say, Consumer<Integer> handedOver) {
        this.listener = listener;
        this.path = path;
        this.servers = servers;
        this.say = say;
        this.handedOver = handedOver;
    }

    /**
     * Listens at {@code path} (mode 600: only this user may take the server over). A socket file
     * nothing accepts on (a server that did not stop cleanly) is replaced.
     *
     * @param path the control socket's path
     * @param inherited the control listener received in a takeover, or null to bind a new one
     * @param servers the servers whose listeners it hands over
     * @param say where its lines go
     * @param handedOver what to do once a successor serves the listeners (start the stop)
     * @return the control socket, not yet serving: {@link #start}
     * @throws IOException if the path is taken by a live server (EADDRINUSE: use --takeover) or bind fails
     */
    static ControlSocket open(Path path, Socket inherited, Servers servers, Consumer<String> say, Consumer<Integer> handedOver)
            throws IOException {
        if (inherited != null) return new ControlSocket(inherited, path, servers, say, handedOver);
        Socket s = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT);
        boolean success = false;
        try {
            SockAddr where = SockAddr.Local.path(path.toString());
            try {
                s.bind(where);
            } catch (IOException e) {
                if (!(e instanceof SyscallFailure f) || f.errno() != Errno.EADDRINUSE || !stale(where)) {
                    throw new IOException(e.getMessage() + " (a server runs with this --control: start this one with --takeover)", e);
                }
                Files.deleteIfExists(path); // nothing accepts there: left by a server that was killed
                s.bind(where);
            }
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            s.listen(4);
            success = true;
            return new ControlSocket(s, path, servers, say, handedOver);
        } finally {
            if (!success) s.close();
        }
    }

    /** Whether the socket file at {@code where} is one nothing accepts on (connect: ECONNREFUSED). */
    private static boolean stale(SockAddr where) throws IOException {
        if (!Files.exists(Path.of(((SockAddr.Local) where).name()))) return false;
        try (Socket probe = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            probe.connect(where, Duration.ofSeconds(1));
            return false;
        } catch (IOException e) {
            return e instanceof SyscallFailure f && f.errno() == Errno.ECONNREFUSED;
        }
    }

    /** Serves takeover requests on a thread of its own until handed over or closed. */
    void start() {
        thread = Thread.ofPlatform().name("jsock-control").daemon(true).start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!handed) {
            try (Socket c = listener.accept().socket()) {
                handle(c);
            } catch (SocketClosedException closed) {
                return; // handed over or stopping
            } catch (IOException e) {
                say.accept("control " + path + ": " + e.getMessage() + "; still serving");
            }
        }
    }

    /** One successor: its request, our listeners, its "started" (or its failure: then we go on). */
    private void handle(Socket c) throws IOException {
        c.setTimeout(Takeover.ANSWER_LIMIT);
        int pid = c.getOption(SockOpt.SO_PEERCRED).pid();
        String request = readLine(c);
        if (!request.equals("takeover")) {
            say.accept("control " + path + ": pid " + pid + " asked '" + request + "'; only 'takeover' is answered");
            return;
        }
        StringBuilder text = new StringBuilder("jsock-takeover 1 pid=" + ProcessHandle.current().pid() + "\n");
        List<Socket> rights = new ArrayList<>();
        for (Server s : servers.all()) {
            if (s instanceof TcpServer t) {
                text.append("listener ").append(t.endpoint()).append('\n');
                rights.add(t.listeningSocket());
            }
        }
        text.append("control\nend\n");
        rights.add(listener);
        c.sendmsg(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII)), rights);
        c.setTimeout(START_LIMIT);
        String answer;
        try {
            answer = readLine(c);
        } catch (IOException e) {
            answer = e.getMessage();
        }
        if (!answer.equals("started")) {
            say.accept("takeover by pid " + pid + " did not start (" + answer + "); still serving");
            return;
        }
        handed = true;
        for (Server s : servers.all()) if (s instanceof TcpServer t) t.handOver();
        listener.close(); // ours only: the successor accepts on the control socket now
        handedOver.accept(pid);
    }

    /** One line, without its LF; "end of stream" when the peer closed first. */
    private static String readLine(Socket c) throws IOException {
        StringBuilder line = new StringBuilder();
        byte[] one = new byte[1];
        while (line.length() < 256) {
            if (c.read(one) < 0) return line.isEmpty() ? "end of stream" : line.toString();
            if (one[0] == '\n') return line.toString();
            line.append((char) one[0]);
        }
        return line.toString();
    }

    /** Stops serving requests; removes the socket file unless it was handed over. Safe to call more than once. */
    @Override
    public void close() {
        boolean mine = !handed && listener.isOpen();
        listener.close();
        if (mine) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException gone) {
                // removed already: nothing to clean
            }
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
