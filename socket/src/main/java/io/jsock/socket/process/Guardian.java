package io.jsock.socket.process;

import io.jsock.socket.internal.Constants;
import io.jsock.socket.internal.IoStatus;
import io.jsock.socket.internal.Libc;
import io.jsock.socket.internal.Wakeup;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;

/**
 * The guardian of this process's children that lead process groups and must die with it
 * ({@link ChildProcess.Builder#processGroup()} with {@link ChildProcess.Builder#dieWithParent()}):
 * one process per JVM, the parent-death helper in its guardian mode ({@code jsock-pdeathsig PID
 * guard}), started at the first such spawn (a server: when it prepares its command). Each such
 * child is spawned through the helper with the write end of the guardian's pipe at a descriptor
 * number of its own; before it execs the program it writes its pid there. The guardian opens a
 * pidfd of each and watches them and one of this process in one epoll: when this process ends,
 * however it ends, it kills every registered child's group. (The guardian used to be a process per
 * child, forked twice by the helper: two forks and two more exits per connection.) A pipe, not a
 * socket with the pidfd in SCM_RIGHTS: this process keeps its end for its whole life, and a
 * socket descriptor that never closes would look leaked to whoever counts sockets.
 *
 * <p>The guardian is in this JVM's process group (so a prefork worker's guardian is in the group its
 * server ends) but no child of it: the helper forks it and exits, so this JVM's children are the
 * programs it runs, and a clean stop leaves it none. It ignores the terminal's signals and ends when
 * this process does. If it dies before (someone killed it), children can no longer register (EPIPE)
 * and fall back to the parent-death signal (which follows the spawning thread); it is not restarted.
 */
final class Guardian {
    private Guardian() {}

    private static final Duration START_WAIT = Duration.ofSeconds(10); // a bound, not a measurement
    private static final Object LOCK = new Object();
    private static volatile boolean started;
    private static int end = -1;  // the write end of its registration pipe (blocking, close-on-exec); -1: none
    private static int pid = -1;  // the guardian's pid

    /**
     * The descriptor a child registers through, the guardian started at the first call; -1 when it
     * cannot be (no helper on this machine, or it could not start: children then use the death signal).
     */
    static int registration() {
        if (started) return end;
        synchronized (LOCK) {
            if (!started) {
                try {
                    start();
                } catch (IOException e) {
                    System.getLogger(Guardian.class.getName()).log(System.Logger.Level.WARNING,
                            "no guardian for children that must die with this process (they get the death signal): " + e.getMessage());
                }
                started = true;
            }
            return end;
        }
    }

    /** {@return the guardian's pid, -1 if none was started} For tests. */
    static int pid() {
        synchronized (LOCK) {
            return pid;
        }
    }

    private static void start() throws IOException {
        if (!DeathHelper.supported()) throw new IOException("no parent-death helper for this architecture");
        String helper = DeathHelper.path().toString();
        try (Arena arena = Arena.ofConfined()) {
            int[] registration = pipe(arena), report = pipe(arena); // [read, write] each, close-on-exec
            try {
                // The guardian gets the registration pipe's read end at 0, the report's write end at 1, nothing else; no environment.
                SpawnSetup.Plan plan = new SpawnSetup.Plan(List.of(registration[0], 0, report[1], 1), List.of(), 2);
                MemorySegment actions = SpawnSetup.build(plan, arena);
                try {
                    MemorySegment argv = Prepared.strings(List.of(helper, Integer.toString(Libc.getpid()), "guard"), arena);
                    MemorySegment envp = Prepared.strings(List.of(), arena);
                    ChildProcess.spawn(arena.allocate(JAVA_INT), arena.allocateFrom(helper), false, actions,
                            SpawnSetup.attr((short) 0), argv, envp, "jsock-pdeathsig guard", false); // it exits at once: the reaper reaps it
                } finally {
                    Libc.posix_spawn_file_actions_destroy(actions);
                }
                Libc.close(report[1]);
                report[1] = -1; // so that the starter's exit without a word is EOF
                pid = readPid(arena, report[0]);
                end = registration[1];
                registration[1] = -1;
            } finally {
                for (int fd : new int[] {registration[0], registration[1], report[0], report[1]}) {
                    if (fd >= 0) Libc.close(fd);
                }
            }
        }
    }

    private static int[] pipe(Arena arena) throws IOException {
        MemorySegment fds = arena.allocate(JAVA_INT, 2);
        if (Libc.pipe2(fds, Constants.O_CLOEXEC) < 0) throw IoStatus.failure("pipe2", "for the guardian");
        return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
    }

    /** The guardian's pid, as the helper that forked it wrote it before exiting; waits at most {@link #START_WAIT}. */
    private static int readPid(Arena arena, int fd) throws IOException {
        MemorySegment pollfd = arena.allocate(Wakeup.POLLFD);
        Wakeup.pollfd_fd(pollfd, 0, fd);
        Wakeup.pollfd_events(pollfd, 0, Constants.POLLIN);
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        int n;
        do {
            n = Libc.poll(pollfd, 1, (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
        } while (n < 0 && Libc.errno() == io.jsock.socket.Errno.EINTR.number() && System.nanoTime() - deadline < 0);
        if (n <= 0) throw new IOException("the guardian did not start within " + START_WAIT);
        MemorySegment buf = arena.allocate(JAVA_INT);
        if (Libc.read(fd, buf, 4) != 4) throw new IOException("the guardian did not start (its helper exited without its pid)");
        return buf.get(JAVA_INT, 0);
    }
}
