package io.jsock.cli;

import io.jsock.server.Endpoint;
import io.jsock.socket.Family;
import io.jsock.socket.Message;
import io.jsock.socket.PassedDescriptor;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The new server's side of {@code --takeover}: connects to the running server's control socket, asks
 * for its listeners and receives them (SCM_RIGHTS), each named by its endpoint, and the control
 * socket's own listener; once this process serves them, {@link #started} tells the old one, which
 * then stops accepting and drains. Until then nothing has changed for the old server: if this
 * process fails first, the old one sees the connection end and goes on serving.
 *
 * <pre>
 * new → old   takeover\n
 * old → new   jsock-takeover 1 pid=N\n listener ENDPOINT\n ... control\n end\n   + one descriptor per listener line and control
 * new → old   started\n
 * </pre>
 */
final class Takeover implements AutoCloseable {
    /** How long the old server may take to answer. */
    static final Duration ANSWER_LIMIT = Duration.ofSeconds(10);

    private final Socket connection;
    private final int oldPid;
    // The listeners received and not yet taken by a server, by endpoint; then the control listener.
    private final Map<Endpoint, Socket> listeners;
    private Socket control;

    private Takeover(Socket connection, int oldPid, Map<Endpoint, Socket> listeners, Socket control) {
        this.connection = connection;
        this.oldPid = oldPid;
        this.listeners = listeners;
        this.control = control;
    }

    /**
     * Asks the server at {@code path} for its listeners.
     *
     * @param path the running server's {@code --control} socket
     * @return the listeners received; close it on failure (it closes what was not taken)
     * @throws IOException if nothing listens there (connect: ECONNREFUSED, ENOENT) or the answer is not one
     */
    static Takeover connect(Path path) throws IOException {
        Socket c = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT);
        List<Socket> received = new ArrayList<>();
        boolean success = false;
        try {
            c.setTimeout(ANSWER_LIMIT);
            c.connect(SockAddr.Local.path(path.toString()));
            c.writeFully("takeover\n".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer text = ByteBuffer.allocate(64 * 1024);
            Message m = c.recvmsg(text, ControlSocket.MAX_DESCRIPTORS);
            for (PassedDescriptor d : m.rights()) received.add(d.adopt());
            while (!endsWith(text, "end\n")) {
                if (!text.hasRemaining() || c.read(text) < 0) throw bad(path, "the answer ended early");
            }
            String[] lines = new String(text.array(), 0, text.position(), StandardCharsets.US_ASCII).split("\n");
            // The pid is said, not asked (SO_PEERCRED): the control socket's listener may be a predecessor's, and
            // a listener's credentials are those of the process that called listen(2).
            if (!lines[0].matches("jsock-takeover 1 pid=[0-9]{1,10}")) throw bad(path, "'" + lines[0] + "' is not a takeover answer");
            int oldPid = Integer.parseInt(lines[0].substring(lines[0].indexOf('=') + 1));
            Map<Endpoint, Socket> listeners = new LinkedHashMap<>();
            Socket control = null;
            int next = 0;
            for (int i = 1; i < lines.length - 1; i++) {
                if (next >= received.size()) throw bad(path, "fewer descriptors than endpoints");
                if (lines[i].startsWith("listener ")) listeners.put(Endpoint.parse(lines[i].substring(9)), received.get(next++));
                else if (lines[i].equals("control")) control = received.get(next++);
                else throw bad(path, "'" + lines[i] + "' is not a line of a takeover answer");
            }
            if (control == null) throw bad(path, "no control socket came");
            Takeover t = new Takeover(c, oldPid, listeners, control);
            success = true;
            return t;
        } finally {
            if (!success) {
                for (Socket s : received) s.close();
                c.close();
            }
        }
    }

    private static boolean endsWith(ByteBuffer b, String s) {
        int n = s.length(), p = b.position();
        return p >= n && new String(b.array(), p - n, n, StandardCharsets.US_ASCII).equals(s);
    }

    private static IOException bad(Path path, String why) {
        return new IOException("takeover " + path + ": " + why);
    }

    /** {@return the pid of the server taken over} */
    int oldPid() {
        return oldPid;
    }

    /**
     * The listener the old server had on {@code e}, which the caller's server owns from now on.
     *
     * @return the listener, or null when the old server did not listen there
     */
    Socket listenerFor(Endpoint e) {
        return listeners.remove(e);
    }

    /** {@return the control socket's listener, which the caller owns from now on} */
    Socket takeControl() {
        Socket s = control;
        control = null;
        return s;
    }

    /**
     * Tells the old server this process serves its listeners now: it stops accepting and drains. The
     * listeners no server here took (endpoints not asked for) are closed here: the old server's
     * close then ends them.
     *
     * @throws IOException if the old server is gone (it then drains by itself, or was killed)
     */
    void started() throws IOException {
        try {
            connection.writeFully("started\n".getBytes(StandardCharsets.US_ASCII));
        } finally {
            close();
        }
    }

    /** Closes what was not taken, and the connection (the old server, not told "started", goes on). */
    @Override
    public void close() {
        for (Socket s : listeners.values()) s.close();
        listeners.clear();
        if (control != null) control.close();
        control = null;
        connection.close();
    }
}
