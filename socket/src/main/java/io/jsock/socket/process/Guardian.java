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
 * <p>The guardian is a child of this JVM, in its process group, reaped by the {@link Reaper}. If it
 * dies (someone killed it), the next spawn starts another; children that could not register fall
 * back to the parent-death signal. Our end of a dead guardian's socket stays open: a spawn on
 * another thread may be handing its number to a child at that moment.
 */
final class Guardian {
    private Guardian() {}

    private static final Object LOCK = new Object();
    private static volatile ChildProcess process; // the running guardian, or null
    private static volatile int end = -1;          // our end of its registration socket (blocking, close-on-exec)

    /**
     * The descriptor a child registers through, the guardian started if none runs; -1 when it cannot
     * be (no helper on this machine, or the spawn failed: the child then uses the death signal).
     */
    static int registration() {
        ChildProcess p = process;
        if (p != null && p.isAlive()) return end;
        synchronized (LOCK) {
            p = process;
            if (p != null && p.isAlive()) return end;
            try {
                start();
            } catch (IOException e) {
                process = null;
                end = -1;
            }
            return end;
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
                    process = ChildProcess.spawn(arena, arena.allocateFrom(helper), false, actions, SpawnSetup.attr((short) 0),
                            argv, envp, "jsock-pdeathsig guard", false);
                    end = ours;
                    ours = -1;
                } finally {
                    Libc.posix_spawn_file_actions_destroy(actions);
                }
            } finally {
                Libc.close(theirs);
                if (ours >= 0) Libc.close(ours);
            }
        }
    }
}
