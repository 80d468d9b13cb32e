package io.jsock.socket;

import io.jsock.socket.internal.Libc;
import io.jsock.socket.internal.Wakeup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Test support: loopback listeners and connections, errno assertions, waiting on thread states. */
public final class Loopback {
    private Loopback() {}

    /**
     * A port on 127.0.0.1 where nothing of {@code type} is open: the kernel chose it for a socket that is
     * closed again (a connect there is refused; a datagram there is answered by ICMP port unreachable).
     *
     * @param type STREAM (TCP) or DGRAM (UDP)
     * @return the port
     * @throws IOException if the socket cannot be made
     */
    public static int closedPort(SocketType type) throws IOException {
        try (Socket s = Socket.open(Family.INET, type, Protocol.DEFAULT)) {
            s.bind(SockAddr.loopback4(0));
            return s.getsockname().port();
        }
    }

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** A TCP listener on 127.0.0.1, port chosen by the kernel. */
    static Socket listener(int backlog) throws IOException {
        Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
        l.bind(SockAddr.loopback4(0));
        l.listen(backlog);
        return l;
    }

    /** A client connected to {@code listener}'s address. */
    static Socket connectTo(Socket listener) throws IOException {
        Socket c = Socket.open(listener.family(), SocketType.STREAM, Protocol.DEFAULT);
        c.connect(listener.getsockname());
        return c;
    }

    /**
     * A connected TCP pair over loopback: [client, server side]. The listener is closed. Reads on
     * both give up after a minute, so a bug fails the test instead of hanging the build.
     */
    static Socket[] tcpPair() throws IOException {
        try (Socket l = listener(1)) {
            Socket c = connectTo(l);
            Socket s = l.accept().socket();
            c.setTimeout(Duration.ofMinutes(1));
            s.setTimeout(Duration.ofMinutes(1));
            return new Socket[] {c, s};
        }
    }

    /** Closes {@code s} abortively (SO_LINGER on, 0 s): its peer gets RST, not FIN (UNP 7.5). */
    static void reset(Socket s) throws IOException {
        s.setOption(SockOpt.SO_LINGER, Linger.on(0));
        s.close();
    }

    /** A name unique to this process and call, for abstract Unix addresses and netns-free tests. */
    static String uniqueName(String what) {
        return "jsock-test-" + ProcessHandle.current().pid() + "-" + what + "-" + COUNTER.incrementAndGet();
    }

    /** Asserts the call fails with a {@link SyscallFailure} (of whichever type) carrying {@code errno} from {@code syscall}. */
    static AbstractThrowableAssert<?, ? extends Throwable> assertErrno(ThrowingCallable call, String syscall, Errno errno) {
        return assertThatThrownBy(call)
                .isInstanceOfSatisfying(SyscallFailure.class, e -> {
                    assertThat(e.errno()).as(e.getMessage()).isEqualTo(errno);
                    assertThat(e.syscall()).isEqualTo(syscall);
                });
    }

    /** Waits (bounded) until {@code t} is parked or blocked: it has reached the call that waits. */
    static void awaitWaiting(Thread t) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertThat(t.isAlive()).as("thread " + t + " still alive").isTrue();
            assertThat(System.nanoTime() - end).as("thread reached a wait within 20 s").isNegative();
            Thread.sleep(1);
        }
    }

    /** Waits (bounded) until a platform thread sits in poll(2) or in recv(2)/send(2) itself, the native waits of a blocking socket call. */
    static void awaitInPoll(Thread t) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!inPoll(t)) {
            assertThat(t.isAlive()).as("thread " + t + " still alive").isTrue();
            assertThat(System.nanoTime() - end).as("thread reached poll(2) within 20 s").isNegative();
            Thread.sleep(1);
        }
    }

    private static boolean inPoll(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(Wakeup.class.getName()) && e.getMethodName().equals("poll")) return true;
            if (e.getClassName().equals(Libc.class.getName()) && e.getMethodName().endsWith("Waiting")) {
                return true; // in recv(2) or send(2) itself (InCall)
            }
        }
        return false;
    }

    /**
     * The open socket descriptors of this process (links in /proc/self/fd to {@code socket:[inode]}).
     * Sockets only: the JVM opens and closes other files on its own (and the cleaner closes the
     * wakeup eventfds of dead platform threads whenever the GC finds them).
     */
    static int openSockets() throws IOException {
        return countDescriptors("socket:");
    }

    /** The open eventfds of this process (links to {@code anon_inode:[eventfd]}). */
    static int openEventfds() throws IOException {
        return countDescriptors("anon_inode:[eventfd]");
    }

    private static int countDescriptors(String linkPrefix) throws IOException {
        int n = 0;
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(linkPrefix)) n++;
                } catch (IOException closedMeanwhile) {
                    // the descriptor went while we listed: not open
                }
            }
        }
        return n;
    }

    /** The {@code flags:} of /proc/self/fdinfo/FD (octal, as open(2) flags). */
    static int fdFlags(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) return Integer.parseInt(line.substring(6).trim(), 8);
        }
        throw new IllegalStateException("no flags in fdinfo of " + fd);
    }

    static final int O_CLOEXEC = 02000000, O_NONBLOCK = 04000;

    static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0"); // effective uid
        }
        return false;
    }

    static int uid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) return Integer.parseInt(line.split("\\s+")[2]);
        }
        throw new IllegalStateException("no Uid in /proc/self/status");
    }

    static int gid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Gid:")) return Integer.parseInt(line.split("\\s+")[2]);
        }
        throw new IllegalStateException("no Gid in /proc/self/status");
    }
}
