package io.jsock.server.serving;

import io.jsock.server.Endpoint;
import io.jsock.socket.ErrnoBindException;
import io.jsock.socket.Errno;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * A socket bound to its endpoint, and the file it made when the endpoint is a Unix path: what
 * {@code TcpServer} and the datagram server share about binding. A stale socket file (left by a
 * server that did not stop cleanly: nothing is bound to it, connect gives ECONNREFUSED) is removed
 * and the bind tried again, as systemd does for its socket units; a live one is EADDRINUSE with a
 * hint; a file that is not a socket is never touched. At a clean stop the file is removed, unless
 * another process has replaced it meanwhile.
 *
 * @param socket the bound socket (not yet listening)
 * @param file   the socket file this process made, or null (IP, abstract names, inherited sockets)
 * @param inode  the file's inode when it was made (0 without a file)
 */
public record Bound(Socket socket, Path file, long inode) {

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final java.time.Duration PROBE_TIMEOUT = java.time.Duration.ofSeconds(1);

    /**
     * socket(2) and bind(2) for {@code endpoint}, with SO_REUSEADDR on TCP addresses (a restart must
     * not wait out TIME_WAIT). On failure nothing is left open.
     *
     * @param endpoint   where to bind
     * @param reusePort  whether to set SO_REUSEPORT before bind (several sockets on one port)
     * @param socketMode permissions for a Unix socket file, or null to keep what the umask gave
     * @return the bound socket
     * @throws IOException the failing call's exception (EADDRINUSE names the live server's file)
     */
    public static Bound open(Endpoint endpoint, boolean reusePort, Set<PosixFilePermission> socketMode) throws IOException {
        SockAddr address = endpoint.address();
        Socket s = Socket.open(address.family(), endpoint.type(), Protocol.DEFAULT);
        boolean success = false;
        try {
            // Not for UDP: there SO_REUSEADDR on two sockets lets both bind one port, and a second server
            // would take part of the first one's datagrams instead of failing with EADDRINUSE.
            if (address.family() != Family.LOCAL && endpoint.type() != SocketType.DGRAM) {
                s.setOption(SockOpt.SO_REUSEADDR, true);
                if (reusePort) s.setOption(SockOpt.SO_REUSEPORT, true);
            }
            Bound b = address instanceof SockAddr.Local l && !l.isAbstract() && !l.isUnnamed()
                    ? bindPath(s, endpoint.type(), l, socketMode)
                    : bindOther(s, address);
            success = true;
            return b;
        } finally {
            if (!success) s.close();
        }
    }

    private static Bound bindOther(Socket s, SockAddr address) throws IOException {
        s.bind(address);
        return new Bound(s, null, 0);
    }

    private static Bound bindPath(Socket s, SocketType type, SockAddr.Local l, Set<PosixFilePermission> mode) throws IOException {
        Path file = Path.of(l.name());
        try {
            s.bind(l);
        } catch (IOException e) {
            if (!(e instanceof SyscallFailure f) || f.errno() != Errno.EADDRINUSE) throw e;
            if (!isSocketFile(file)) {
                throw new ErrnoBindException(f.call(), "the path exists and is not a socket; choose another path or remove it");
            }
            if (!stale(type, l)) {
                throw new ErrnoBindException(f.call(), "a server is accepting on it; stop it first");
            }
            Files.deleteIfExists(file); // stale: nothing accepts on it, as connect's ECONNREFUSED said
            s.bind(l);
        }
        if (mode != null) Files.setPosixFilePermissions(file, mode);
        return new Bound(s, file, inode(file));
    }

    /** Whether a Unix socket file is left from a server that is gone: connecting to it is refused. */
    private static boolean stale(SocketType type, SockAddr.Local l) throws IOException {
        try (Socket probe = Socket.open(Family.LOCAL, type, Protocol.DEFAULT)) {
            probe.connect(l, PROBE_TIMEOUT);
            return false;
        } catch (java.net.SocketTimeoutException fullQueue) {
            return false; // bound and listening, its queue full: live
        } catch (IOException e) {
            if (e instanceof SyscallFailure f && f.errno() == Errno.ECONNREFUSED) return true;
            throw e;
        }
    }

    private static boolean isSocketFile(Path file) throws IOException {
        try {
            return ((Integer) Files.getAttribute(file, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & S_IFMT) == S_IFSOCK;
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    private static long inode(Path file) throws IOException {
        return ((Number) Files.getAttribute(file, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    /**
     * Undoes a start that failed: closes the socket and removes the socket file this process made.
     * Safe to call more than once.
     */
    public void abandon() {
        socket.close();
        removeFile();
    }

    /**
     * Removes the socket file this process made, if it is still that file (same inode): a server
     * started after this one on the same path keeps its own. Nothing for IP or abstract addresses.
     */
    public void removeFile() {
        if (file == null) return;
        try {
            if (isSocketFile(file) && inode(file) == inode) Files.deleteIfExists(file);
        } catch (IOException gone) {
            // already removed, or the directory is gone: nothing left to clean
        }
    }
}
