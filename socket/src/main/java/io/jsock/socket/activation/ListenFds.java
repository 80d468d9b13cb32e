package io.jsock.socket.activation;

import io.jsock.socket.Errno;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
import io.jsock.socket.internal.Environ;
import io.jsock.socket.internal.Libc;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The sockets a service manager passed to this process, as sd_listen_fds(3) describes: when
 * {@code LISTEN_PID} is this process's id, descriptors 3 to 3+{@code LISTEN_FDS}-1, named by the
 * colon-separated {@code LISTEN_FDNAMES} (systemd's {@code FileDescriptorName=},
 * {@code systemd-socket-activate --fdname=}).
 *
 * <pre>{@code
 * for (ListenFds.Inherited s : ListenFds.take()) {
 *     // s.name() "web", s.socket().type() STREAM, s.listening() true: serve it with accept(2)
 * }
 * }</pre>
 *
 * <p>{@link #take()} does what sd_listen_fds(1) does and a little more: it unsets LISTEN_PID,
 * LISTEN_FDS and LISTEN_FDNAMES (so no child of this process takes them for its own), makes every
 * descriptor close-on-exec, and checks that each one is a socket of a type jsock knows, which it
 * adopts ({@link Socket#adopt}). A socket that is listening (SO_ACCEPTCONN) is what a
 * {@code ListenStream=} with {@code Accept=no} gives; a connected one what {@code Accept=yes} gives; a
 * datagram socket what {@code ListenDatagram=} gives.
 */
public final class ListenFds {
    /** The first inherited descriptor: SD_LISTEN_FDS_START. */
    public static final int START = 3;
    /** The name of a descriptor when LISTEN_FDNAMES is not set, as sd_listen_fds_with_names(3) gives it. */
    public static final String UNKNOWN = "unknown";

    private static final List<String> VARIABLES = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES");

    /** Whether take() has run: the variables are gone after it, and the descriptors are owned. Guarded by the class. */
    private static boolean taken;

    private ListenFds() {}

    /**
     * One inherited socket.
     *
     * @param name      its name from LISTEN_FDNAMES, or {@link #UNKNOWN}
     * @param socket    the adopted socket (close-on-exec, non-blocking underneath); the caller owns it
     * @param listening whether listen(2) has been called on it (SO_ACCEPTCONN)
     */
    public record Inherited(String name, Socket socket, boolean listening) {
        /**
         * An inherited socket.
         *
         * @throws NullPointerException if {@code name} or {@code socket} is null
         */
        public Inherited {
            Objects.requireNonNull(name);
            Objects.requireNonNull(socket);
        }

        /** {@return the descriptor number, e.g. 3} */
        public int fd() {
            return socket.fd();
        }

        /** {@return e.g. {@code fd 3 "web"}: how messages name it} */
        @Override
        public String toString() {
            return "fd " + fd() + " \"" + name + "\"";
        }
    }

    /**
     * The inherited sockets, once per process: the first call reads and unsets the variables and
     * adopts the descriptors; later calls return an empty list. Empty when LISTEN_PID is not set or
     * names another process (the variables were meant for a parent), or LISTEN_FDS is 0.
     *
     * @return the sockets in descriptor order; the caller owns them
     * @throws IllegalArgumentException if LISTEN_PID or LISTEN_FDS is not a number, LISTEN_FDNAMES
     *     has another count of names than LISTEN_FDS, or a descriptor is not a socket jsock can serve
     *     (its message names the descriptor and the errno: {@code fd 4 "b" from systemd (LISTEN_FDS):
     *     ENOTSOCK (Socket operation on non-socket)}). Nothing is left adopted then.
     * @throws IOException if fcntl(2) or getsockopt(2) fails on a socket
     */
    public static synchronized List<Inherited> take() throws IOException {
        if (taken) return List.of();
        taken = true;
        String pid = Environ.get("LISTEN_PID"), fds = Environ.get("LISTEN_FDS"), names = Environ.get("LISTEN_FDNAMES");
        for (String v : VARIABLES) Environ.unset(v); // sd_listen_fds(1): whatever the outcome, no child sees them
        if (pid == null || fds == null) return List.of();
        if (number("LISTEN_PID", pid) != Libc.getpid()) return List.of(); // meant for another process
        return adopt(number("LISTEN_FDS", fds), names);
    }

    private static long number(String variable, String value) {
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(variable + "='" + value + "' from the service manager is not a number >= 0");
    }

    private static List<Inherited> adopt(long n, String names) throws IOException {
        if (n > Integer.MAX_VALUE - START) throw new IllegalArgumentException("LISTEN_FDS=" + n + " is too many descriptors");
        List<String> named = names == null ? null : List.of(names.split(":", -1));
        if (named != null && named.size() != n) {
            throw new IllegalArgumentException("LISTEN_FDNAMES='" + names + "' has " + named.size() + " name(s) for LISTEN_FDS=" + n);
        }
        List<Inherited> taken = new ArrayList<>();
        boolean success = false;
        try {
            for (int i = 0; i < n; i++) {
                int fd = START + i;
                String name = named == null || named.get(i).isEmpty() ? UNKNOWN : named.get(i);
                taken.add(adoptOne(fd, name));
            }
            success = true;
            return List.copyOf(taken);
        } finally {
            if (!success) for (Inherited s : taken) s.socket().close();
        }
    }

    private static Inherited adoptOne(int fd, String name) throws IOException {
        String what = "fd " + fd + " \"" + name + "\" from systemd (LISTEN_FDS)";
        Socket s;
        try {
            s = Socket.adopt(fd); // close-on-exec from here on
        } catch (IOException e) {
            if (!(e instanceof SyscallFailure f)) throw e;
            throw new IllegalArgumentException(what + " is not a socket jsock can serve: " + f.call().syscall() + ": "
                    + Errno.describe(f.errnoNumber()));
        }
        SocketType t = s.type();
        if (t != SocketType.STREAM && t != SocketType.DGRAM && t != SocketType.SEQPACKET) {
            s.close();
            throw new IllegalArgumentException(what + " is a " + t + " socket; jsock serves stream, datagram and seqpacket sockets");
        }
        boolean listening = t != SocketType.DGRAM && s.getOption(SockOpt.SO_ACCEPTCONN);
        return new Inherited(name, s, listening);
    }
}
