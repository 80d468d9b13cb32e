package io.jsock.socket.activation;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.internal.Environ;
import io.jsock.socket.internal.Libc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A client of the service manager's notification socket, as sd_notify(3) describes: each message is
 * one datagram of {@code VARIABLE=value} lines sent to the Unix socket named by {@code NOTIFY_SOCKET}
 * (a path, or {@code @name} for an abstract one). systemd reads the sender's pid from the socket's
 * credentials: send from the process systemd started (with {@code NotifyAccess=main}).
 *
 * <pre>{@code
 * Optional<SdNotify> n = SdNotify.fromEnvironment();   // empty when not run by a service manager
 * n.ifPresent(SdNotify::ready);                        // READY=1: Type=notify's start is over
 * }</pre>
 *
 * <p>Thread-safe: each message is one sendto(2). Messages: {@link #ready()}, {@link #status},
 * {@link #stopping()}, {@link #watchdog()}, and {@link #send} for any other ({@code RELOADING=1},
 * {@code MAINPID=}, ...). {@link #store} passes descriptors to the service's fd store
 * ({@code FDSTORE=1} with SCM_RIGHTS): systemd keeps them across a restart of the unit and hands them
 * back through {@code LISTEN_FDS}/{@code LISTEN_FDNAMES} ({@link ListenFds}); {@link #removeFromStore}
 * drops them.
 */
public final class SdNotify implements AutoCloseable {
    private static final String NOTIFY_SOCKET = "NOTIFY_SOCKET", WATCHDOG_USEC = "WATCHDOG_USEC", WATCHDOG_PID = "WATCHDOG_PID";

    private final SockAddr.Local address;
    private final Socket socket;
    private final Duration watchdogInterval; // null: no watchdog asked for

    private SdNotify(SockAddr.Local address, Socket socket, Duration watchdogInterval) {
        this.address = address;
        this.socket = socket;
        this.watchdogInterval = watchdogInterval;
    }

    /**
     * The client of {@code NOTIFY_SOCKET}, with the watchdog of {@code WATCHDOG_USEC} when
     * {@code WATCHDOG_PID} is unset or this process's. Unsets the three variables, as
     * sd_notify(1) and sd_watchdog_enabled(1) do, so that the programs this process starts do not
     * speak to the service manager in its name; a second call therefore finds nothing.
     *
     * @return the client, or empty when NOTIFY_SOCKET is not set
     * @throws IllegalArgumentException if NOTIFY_SOCKET is neither an absolute path nor an {@code @name}
     *     (systemd's {@code vsock:} addresses are not supported), or WATCHDOG_USEC or WATCHDOG_PID is
     *     not a number
     * @throws IOException if the socket cannot be made (socket(2): EMFILE, ...)
     */
    public static Optional<SdNotify> fromEnvironment() throws IOException {
        String where = Environ.get(NOTIFY_SOCKET), usec = Environ.get(WATCHDOG_USEC), pid = Environ.get(WATCHDOG_PID);
        for (String v : new String[] {NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID}) Environ.unset(v);
        if (where == null || where.isEmpty()) return Optional.empty();
        Duration watchdog = null;
        if (usec != null && (pid == null || number(WATCHDOG_PID, pid) == Libc.getpid())) {
            long us = number(WATCHDOG_USEC, usec);
            if (us > 0) watchdog = Duration.ofNanos(us * 1000 / 2); // sd_watchdog_enabled(3): ping at half the timeout
        }
        return Optional.of(open(address(where), watchdog));
    }

    /**
     * A client of the socket at {@code address}, without a watchdog.
     *
     * @param address the service manager's socket: a path or an abstract name
     * @return the client
     * @throws IOException if the socket cannot be made
     * @throws NullPointerException if {@code address} is null
     */
    public static SdNotify to(SockAddr.Local address) throws IOException {
        return open(Objects.requireNonNull(address), null);
    }

    private static SdNotify open(SockAddr.Local address, Duration watchdog) throws IOException {
        return new SdNotify(address, Socket.open(Family.LOCAL, SocketType.DGRAM, Protocol.DEFAULT), watchdog);
    }

    private static SockAddr.Local address(String where) {
        try {
            if (where.startsWith("@")) return SockAddr.Local.abstractName(where.substring(1));
            if (where.startsWith("/")) return SockAddr.Local.path(where);
        } catch (IllegalArgumentException tooLong) {
            throw new IllegalArgumentException(NOTIFY_SOCKET + "='" + where + "': " + tooLong.getMessage());
        }
        throw new IllegalArgumentException(NOTIFY_SOCKET + "='" + where + "' is not a Unix socket path (/run/...) or @name");
    }

    private static long number(String variable, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + "='" + value + "' from the service manager is not a number");
        }
    }

    /** {@return the service manager's socket} */
    public SockAddr.Local address() {
        return address;
    }

    /**
     * How often to send {@link #watchdog()}: half the service's {@code WatchdogSec=}.
     *
     * @return the interval, or empty when no watchdog was asked for (or it watches another process)
     */
    public Optional<Duration> watchdogInterval() {
        return Optional.ofNullable(watchdogInterval);
    }

    /**
     * Sends one message: one or more {@code VARIABLE=value} lines, as one datagram.
     *
     * @param state e.g. {@code "READY=1"} or {@code "STATUS=3 connections\nWATCHDOG=1"}
     * @throws IOException what sendto(2) refused, naming the socket (ECONNREFUSED: nothing is bound
     *     there; ENOENT: no such file)
     * @throws NullPointerException if {@code state} is null
     */
    public void send(String state) throws IOException {
        socket.sendto(ByteBuffer.wrap(state.getBytes(StandardCharsets.UTF_8)), address);
    }

    /**
     * {@code FDSTORE=1} with {@code FDNAME=name}: the sockets go to the service manager's fd store
     * (one datagram, their descriptors as SCM_RIGHTS), as sd_pid_notify_with_fds(3) sends them. The
     * unit needs {@code FileDescriptorStoreMax=} above 0, or systemd drops them. systemd keeps one
     * copy of each open file, so storing the same socket again changes nothing; these sockets stay
     * this process's too.
     *
     * @param name the name they come back under in {@code LISTEN_FDNAMES}: 1 to 255 printable ASCII
     *     characters, no {@code :} (systemd's fdname_is_valid)
     * @param sockets at least one, at most 253 (SCM_MAX_FD)
     * @throws IllegalArgumentException if {@code name} is not a valid fd name or {@code sockets} is empty
     * @throws IOException what the kernel refused, naming the socket (connect: ECONNREFUSED, ENOENT;
     *     sendmsg: EINVAL for too many descriptors)
     * @throws NullPointerException if an argument is null
     */
    public void store(String name, List<Socket> sockets) throws IOException {
        if (sockets.isEmpty()) throw new IllegalArgumentException("FDSTORE=1 needs at least one descriptor");
        // sendmsg(2) here takes no address: a socket of its own, connected to the manager's, carries the message.
        try (Socket s = Socket.open(Family.LOCAL, SocketType.DGRAM, Protocol.DEFAULT)) {
            s.connect(address);
            s.sendmsg(ByteBuffer.wrap(("FDSTORE=1\nFDNAME=" + checkName(name)).getBytes(StandardCharsets.US_ASCII)), sockets);
        }
    }

    /**
     * {@code FDSTOREREMOVE=1} with {@code FDNAME=name}: systemd closes its copies of every descriptor
     * stored under that name.
     *
     * @param name as for {@link #store}
     * @throws IllegalArgumentException if {@code name} is not a valid fd name
     * @throws IOException as {@link #send}
     */
    public void removeFromStore(String name) throws IOException {
        send("FDSTOREREMOVE=1\nFDNAME=" + checkName(name));
    }

    /**
     * Whether systemd takes {@code name} as an {@code FDNAME=}: 1 to 255 printable ASCII characters,
     * none a {@code :} (the separator of {@code LISTEN_FDNAMES}).
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException naming what is accepted, if it is not valid
     */
    public static String checkName(String name) {
        boolean ok = !name.isEmpty() && name.length() <= 255 && name.chars().allMatch(c -> c > ' ' && c < 0x7f && c != ':');
        if (!ok) {
            throw new IllegalArgumentException("bad fd name '" + name + "'; expected 1 to 255 printable ASCII characters without ':' or spaces");
        }
        return name;
    }

    /**
     * {@code READY=1}: start-up is over (for {@code Type=notify}, systemd starts the units after this one now).
     *
     * @throws IOException as {@link #send}
     */
    public void ready() throws IOException {
        send("READY=1");
    }

    /**
     * {@code STATUS=text}: one line for {@code systemctl status}.
     *
     * @param text the status; a newline in it ends it
     * @throws IOException as {@link #send}
     */
    public void status(String text) throws IOException {
        int nl = text.indexOf('\n');
        send("STATUS=" + (nl < 0 ? text : text.substring(0, nl)));
    }

    /**
     * {@code STOPPING=1}: the service has begun to stop.
     *
     * @throws IOException as {@link #send}
     */
    public void stopping() throws IOException {
        send("STOPPING=1");
    }

    /**
     * {@code WATCHDOG=1}: the service is alive; send it every {@link #watchdogInterval()}.
     *
     * @throws IOException as {@link #send}
     */
    public void watchdog() throws IOException {
        send("WATCHDOG=1");
    }

    /** Closes the client's socket. Safe to call more than once. */
    @Override
    public void close() {
        socket.close();
    }

    /** {@return e.g. {@code sd_notify to @/org/freedesktop/systemd1/notify}} */
    @Override
    public String toString() {
        return "sd_notify to " + address;
    }
}
