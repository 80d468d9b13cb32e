package io.jsock.socket.process;

import io.jsock.socket.internal.Constants;
import io.jsock.socket.internal.IoStatus;
import io.jsock.socket.internal.Libc;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * posix_spawn's attributes and file actions, built once and shared: they do not change from one
 * child to the next (a server's connfd takes the same few numbers again and again), and building
 * them costs calls (glibc's adddup2 alone asks getrlimit(RLIMIT_NOFILE) each time). posix_spawn only
 * reads them, so threads share them. They live as long as the JVM; at most {@value #MAX_PLANS}
 * different file actions are kept, others are built for their one spawn and destroyed.
 */
final class SpawnSetup {
    private SpawnSetup() {}

    static final int MAX_PLANS = 256;

    /**
     * A descriptor table for the child: {@code dup2} holds pairs (from, to) in order, {@code devNull}
     * the numbers opened on /dev/null, then everything from {@code closeFrom} on is closed.
     */
    record Plan(List<Integer> dup2, List<Integer> devNull, int closeFrom) {}

    private static final Map<Plan, MemorySegment> ACTIONS = new ConcurrentHashMap<>();
    private static final Map<Short, MemorySegment> ATTRS = new ConcurrentHashMap<>();

    /** The shared file actions for {@code plan}, or null when too many are kept already (then use {@link #build}). */
    static MemorySegment actions(Plan plan) throws IOException {
        MemorySegment a = ACTIONS.get(plan);
        if (a != null || ACTIONS.size() >= MAX_PLANS) return a;
        synchronized (ACTIONS) {
            a = ACTIONS.get(plan);
            if (a == null) {
                a = build(plan, Arena.global());
                ACTIONS.put(plan, a);
            }
            return a;
        }
    }

    /** New file actions for {@code plan} in {@code arena}; the caller destroys them unless they are kept. */
    static MemorySegment build(Plan plan, Arena arena) throws IOException {
        MemorySegment actions = arena.allocate(Libc.FILE_ACTIONS_SIZE, 8);
        check(Libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
        try {
            List<Integer> d = plan.dup2();
            for (int i = 0; i < d.size(); i += 2) {
                check(Libc.posix_spawn_file_actions_adddup2(actions, d.get(i), d.get(i + 1)), "posix_spawn_file_actions_adddup2");
            }
            if (!plan.devNull().isEmpty()) {
                MemorySegment path = arena.allocateFrom("/dev/null"); // glibc keeps a copy
                for (int fd : plan.devNull()) {
                    check(Libc.posix_spawn_file_actions_addopen(actions, fd, path, Constants.O_RDWR, 0),
                            "posix_spawn_file_actions_addopen");
                }
            }
            check(Libc.posix_spawn_file_actions_addclosefrom_np(actions, plan.closeFrom()),
                    "posix_spawn_file_actions_addclosefrom_np");
            return actions;
        } catch (IOException | RuntimeException e) {
            Libc.posix_spawn_file_actions_destroy(actions);
            throw e;
        }
    }

    /**
     * The shared attributes: POSIX_SPAWN_SETSIGDEF with every signal, POSIX_SPAWN_SETSIGMASK with
     * none, and {@code groupFlag} (POSIX_SPAWN_SETPGROUP, POSIX_SPAWN_SETSID or 0).
     */
    static MemorySegment attr(short groupFlag) throws IOException {
        MemorySegment a = ATTRS.get(groupFlag);
        if (a != null) return a;
        synchronized (ATTRS) {
            a = ATTRS.get(groupFlag);
            if (a == null) {
                a = buildAttr(groupFlag, Arena.global());
                ATTRS.put(groupFlag, a);
            }
            return a;
        }
    }

    private static MemorySegment buildAttr(short groupFlag, Arena arena) throws IOException {
        MemorySegment attr = arena.allocate(Libc.SPAWNATTR_SIZE, 8);
        check(Libc.posix_spawnattr_init(attr), "posix_spawnattr_init");
        MemorySegment all = arena.allocate(Libc.SIGSET_SIZE, 8);
        MemorySegment none = arena.allocate(Libc.SIGSET_SIZE, 8);
        Libc.sigfillset(all);
        // sigfillset leaves out glibc's internal signals 32 (SIGCANCEL) and 33 (SIGSETXID), and
        // posix_spawn then sets them to SIG_IGN in the child, which exec keeps: add them by hand
        // so the program starts with them at SIG_DFL, as it would from a shell.
        all.set(JAVA_LONG, 0, all.get(JAVA_LONG, 0) | 1L << 31 | 1L << 32);
        Libc.sigemptyset(none);
        check(Libc.posix_spawnattr_setsigdefault(attr, all), "posix_spawnattr_setsigdefault");
        check(Libc.posix_spawnattr_setsigmask(attr, none), "posix_spawnattr_setsigmask");
        check(Libc.posix_spawnattr_setflags(attr,
                (short) (Constants.POSIX_SPAWN_SETSIGDEF | Constants.POSIX_SPAWN_SETSIGMASK | groupFlag)),
                "posix_spawnattr_setflags");
        // pgroup 0 (the default, set here to say so): the child's own pid becomes its group's number
        if (groupFlag == Constants.POSIX_SPAWN_SETPGROUP) check(Libc.posix_spawnattr_setpgroup(attr, 0), "posix_spawnattr_setpgroup");
        return attr;
    }

    /** The posix_spawn family returns an errno value instead of setting errno. */
    static void check(int rc, String call) throws IOException {
        if (rc != 0) throw IoStatus.exception(call, rc, null);
    }
}
