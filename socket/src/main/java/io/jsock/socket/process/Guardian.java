package io.jsock.socket.process;

import io.jsock.socket.Family;
import io.jsock.socket.SocketType;
import io.jsock.socket.internal.Constants;
import io.jsock.socket.internal.Libc;

import static java.lang.foreign.ValueLayout.ADDRESS;
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
 * guard}), started at the first such spawn. Each such child is spawned through the helper with our
 * end of an AF_UNIX SOCK_SEQPACKET pair at a descriptor number of its own; before it execs the
 * program it sends its pid and a pidfd of itself there. The guardian watches those pidfds and ours
 * in one epoll: when this process ends, however it ends, it kills every registered child's group.
 * (The guardian used to be a process per child, forked twice by the helper: two forks and two more
 * exits per connection.)
 *
 * <p>The guardian is in this JVM's process group (so a prefork worker's guardian is in the group its
 * server ends) but no child of it: the helper forks it and exits, so this JVM's children are the
 * programs it runs, and a clean stop leaves it none. It ignores the terminal's signals and ends when
 * this process does. If it dies before (someone killed it), children can no longer register and
 * fall back to the parent-death signal (which follows the spawning thread); it is not restarted.
 */
final class Guardian {
    private Guardian() {}

    private static final Duration START_WAIT = Duration.ofSeconds(10); // a bound, not a measurement
    private static final Object LOCK = new Object();
    private static volatile boolean started;
    private static int end = -1;  // our end of its registration socket (blocking, close-on-exec); -1: none
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
            MemorySegment sv = arena.allocate(JAVA_INT, 2);
            if (Libc.socketpair(Family.LOCAL.pf(), SocketType.SEQPACKET.value() | Constants.SOCK_CLOEXEC, 0, sv) < 0) {
                throw new IOException("socketpair for the guardian: errno " + Libc.errno());
            }
            int ours = sv.getAtIndex(JAVA_INT, 0), theirs = sv.getAtIndex(JAVA_INT, 1);
            try {
                // The guardian gets its end at 0 and nothing else; no environment.
                SpawnSetup.Plan plan = new SpawnSetup.Plan(List.of(theirs, 0), List.of(), 1);
                MemorySegment actions = SpawnSetup.build(plan, arena);
                try {
                    List<String> args = List.of(helper, Integer.toString(Libc.getpid()), "guard");
                    MemorySegment argv = arena.allocate(ADDRESS, args.size() + 1L);
                    for (int i = 0; i < args.size(); i++) argv.setAtIndex(ADDRESS, i, arena.allocateFrom(args.get(i)));
                    MemorySegment envp = arena.allocate(ADDRESS, 1);
                    ChildProcess starter = ChildProcess.spawn(arena.allocate(JAVA_INT), arena.allocateFrom(helper), false, actions,
                            SpawnSetup.attr((short) 0), argv, envp, "jsock-pdeathsig guard", false);
                    ExitStatus st = starter.waitFor(START_WAIT);
                    if (st == null || !st.success()) {
                        starter.kill();
                        throw new IOException("the guardian did not start: " + (st == null ? "no exit within " + START_WAIT : st));
                    }
                    MemorySegment buf = arena.allocate(JAVA_INT);
                    if (Libc.recv(ours, buf, 4, Constants.MSG_DONTWAIT) != 4) throw new IOException("the guardian did not say its pid");
                    pid = buf.get(JAVA_INT, 0);
                    end = ours;
                    ours = -1;
                } finally {
                    Libc.posix_spawn_file_actions_destroy(actions);
                }
            } finally {
                Libc.close(theirs);
                if (ours >= 0) Libc.close(ours);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the guardian started");
        }
    }
}
