package io.jsock.socket.process;

import io.jsock.socket.Errno;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketClosedException;
import io.jsock.socket.internal.Constants;
import io.jsock.socket.internal.Environ;
import io.jsock.socket.internal.IoStatus;
import io.jsock.socket.internal.Libc;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child process started with posix_spawn(3) (fork and exec in one call: the JVM never forks
 * without exec), with sockets as its standard input and output and everything else closed, and
 * reaped by its pid alone.
 *
 * <pre>{@code
 * ChildProcess p = ChildProcess.builder(List.of("cat")).environment(env).stdio(connfd).start();
 * connfd.close();                      // UNP 4.8: the parent's close drops only its reference
 * p.onExit().thenAccept(st -> ...);    // "exit 0", "killed by SIGSEGV"
 * }</pre>
 *
 * <p>What the child gets: the given sockets dup2'ed to the given descriptor numbers (for a server,
 * the connected socket at 0 and 1), standard error inherited, and no other descriptor: ours are all
 * close-on-exec, and the spawn closes everything above the highest given number as well
 * (posix_spawn_file_actions_addclosefrom_np), so not even a JVM descriptor without FD_CLOEXEC
 * leaks. Every signal gets its default disposition and the signal mask is empty, whatever the
 * spawning thread had.
 *
 * <p>Reaping: one platform thread ({@code jsock-reaper}) waits on a pidfd per child and calls
 * waitpid(pid, WNOHANG) for exactly that pid, never waitpid(-1), which would steal the statuses of
 * the JDK's own {@link Process}es. A child is reaped within moments of its exit; its zombie does
 * not linger.
 */
public final class ChildProcess {
    /** SIGTERM's number, for {@link #signal} and {@link #signalGroup}. */
    public static final int SIGTERM = Constants.SIGTERM;
    /** SIGKILL's number, for {@link #signal} and {@link #signalGroup}. */
    public static final int SIGKILL = Constants.SIGKILL;

    private final int pid;
    private final String program;
    private final boolean groupLeader; // spawned into a process group (or session) of its own: pgid == pid
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

    // Guarded by `this`: set when waitpid returned our pid. From then on the pid may belong to
    // another process, so signal() sends nothing; the reaper holds the lock while it reaps.
    private boolean reaped;

    private ChildProcess(int pid, String program, boolean groupLeader) {
        this.pid = pid;
        this.program = program;
        this.groupLeader = groupLeader;
    }

    /**
     * A child that will run {@code argv}; argv[0] without a slash is searched for in this process's PATH.
     *
     * @param argv the program and its arguments, as execve(2) takes them: not empty, no NUL bytes
     * @return a builder; {@link Builder#start} spawns the child
     * @throws IllegalArgumentException if {@code argv} is empty or holds a NUL byte
     */
    public static Builder builder(List<String> argv) {
        return new Builder(argv);
    }

    /**
     * Where {@link Builder#start} would find {@code program}: itself when it holds a slash, else the
     * first executable regular file of that name in this process's PATH (as posix_spawnp searches).
     *
     * @param program a path or a bare name
     * @return the file that would run
     * @throws IOException ENOENT, or EACCES when found but not executable, as an {@link io.jsock.socket.ErrnoException}
     *         naming the program
     */
    public static Path locate(String program) throws IOException {
        if (program.indexOf('/') >= 0) return check(Path.of(program), program);
        String path = System.getenv().getOrDefault("PATH", "/bin:/usr/bin");
        boolean seen = false;
        for (String dir : path.split(":", -1)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(p)) {
                if (Files.isExecutable(p)) return p;
                seen = true;
            }
        }
        throw IoStatus.exception("posix_spawnp", (seen ? Errno.EACCES : Errno.ENOENT).number(), program,
                seen ? "not executable" : "not found in PATH");
    }

    private static Path check(Path p, String program) throws IOException {
        if (!Files.exists(p)) throw IoStatus.exception("posix_spawn", Errno.ENOENT.number(), program);
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw IoStatus.exception("posix_spawn", Errno.EACCES.number(), program, "not an executable file");
        }
        return p;
    }

    /**
     * This process's environment as a child should inherit it: {@link System#getenv()} (the JVM's copy
     * from its start) without the variables meant for this process alone that jsock has consumed and
     * unset since (systemd's LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES, NOTIFY_SOCKET, WATCHDOG_USEC and
     * WATCHDOG_PID, see {@link io.jsock.socket.activation.ListenFds} and {@link io.jsock.socket.activation.SdNotify}).
     * A child's environment starts from this unless {@link Builder#environment} replaces it.
     *
     * @return a new modifiable map
     */
    public static Map<String, String> inheritedEnvironment() {
        return Environ.current();
    }

    /** {@return the child's process id} */
    public int pid() {
        return pid;
    }

    /** {@return argv[0], as given} */
    public String program() {
        return program;
    }

    /**
     * Completes with the exit status once the child is reaped. Dependent actions that are not
     * {@code ...Async} run on the reaper thread: keep them short.
     *
     * @return the future; the same one on every call
     */
    public CompletableFuture<ExitStatus> onExit() {
        return exit.copy();
    }

    /** {@return false once the child has been reaped} */
    public boolean isAlive() {
        return !exit.isDone();
    }

    /**
     * Blocks until the child has exited and been reaped.
     *
     * @return its exit status
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public ExitStatus waitFor() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        }
    }

    /**
     * Waits at most {@code timeout} for the child to exit and be reaped.
     *
     * @param timeout how long at most
     * @return its exit status, or {@code null} if the child is still running
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public ExitStatus waitFor(Duration timeout) throws InterruptedException {
        try {
            return exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * kill(2): sends {@code sig} to the child.
     *
     * @param sig the signal number, e.g. 15 for SIGTERM
     * @return false, sending nothing, when the child has been reaped already (its pid may name another
     *         process by now) or is exiting (ESRCH); true when sent
     * @throws IOException what kill(2) refused (EINVAL for a bad signal, EPERM), as an
     *         {@link io.jsock.socket.ErrnoException}
     */
    public synchronized boolean signal(int sig) throws IOException {
        if (reaped) return false;
        if (Libc.kill(pid, sig) == 0) return true;
        int e = Libc.errno();
        if (e == Errno.ESRCH.number()) return false;
        throw IoStatus.exception("kill", e, "pid " + pid + " " + ExitStatus.signalName(sig));
    }

    /**
     * kill(2) with {@code -pid}: sends {@code sig} to every process of the child's process group, the
     * child and what it started (a shell's {@code cat}, a daemon's workers), unless they moved to a
     * group of their own. The group outlives its leader: this still reaches the descendants after
     * the child itself was reaped (the kernel keeps the group's number while any member is in it).
     *
     * @param sig the signal number
     * @return true when sent; false when no process is left in the group (ESRCH)
     * @throws IllegalStateException if the child was not spawned into a group of its own
     *         ({@link Builder#processGroup()} or {@link Builder#session()})
     * @throws IOException what kill(2) refused (EPERM), as an {@link io.jsock.socket.ErrnoException}
     */
    public boolean signalGroup(int sig) throws IOException {
        if (!groupLeader) throw new IllegalStateException(this + " shares its parent's process group: spawn it with processGroup()");
        if (Libc.kill(-pid, sig) == 0) return true;
        int e = Libc.errno();
        if (e == Errno.ESRCH.number()) return false;
        throw IoStatus.exception("kill", e, "process group " + pid + " " + ExitStatus.signalName(sig));
    }

    /**
     * Whether any process is left in the child's process group (kill(2) with signal 0).
     *
     * @return true while the child or one of its group is alive (a zombie counts until reaped)
     * @throws IllegalStateException if the child was not spawned into a group of its own
     */
    public boolean groupAlive() {
        if (!groupLeader) throw new IllegalStateException(this + " shares its parent's process group: spawn it with processGroup()");
        return Libc.kill(-pid, 0) == 0 || Libc.errno() == Errno.EPERM.number();
    }

    /**
     * SIGTERM: asks the child to end.
     *
     * @return as {@link #signal}
     * @throws IOException as {@link #signal}
     */
    public boolean terminate() throws IOException {
        return signal(Constants.SIGTERM);
    }

    /**
     * SIGKILL: ends the child now.
     *
     * @return as {@link #signal}
     * @throws IOException as {@link #signal}
     */
    public boolean kill() throws IOException {
        return signal(Constants.SIGKILL);
    }

    /**
     * posix_spawn(3) (posix_spawnp(3) with {@code search}) into {@code pid} (a native int), then the
     * reaper watches the child.
     *
     * @throws IOException what posix_spawn refused, naming {@code program}
     */
    static ChildProcess spawn(MemorySegment pid, MemorySegment file, boolean search, MemorySegment actions, MemorySegment attr,
                              MemorySegment argv, MemorySegment envp, String program, boolean groupLeader) throws IOException {
        int rc = Libc.posix_spawn(pid, file, actions, attr, argv, envp, search);
        if (rc != 0) throw IoStatus.exception("posix_spawn", rc, program);
        ChildProcess child = new ChildProcess(pid.get(JAVA_INT, 0), program, groupLeader);
        Reaper.INSTANCE.watch(child);
        return child;
    }

    /**
     * Called by the reaper only: waitpid(pid, WNOHANG) into {@code status} (a native int). Returns
     * true when the child is gone (reaped now or before).
     */
    boolean tryReap(MemorySegment status) {
        ExitStatus st;
        synchronized (this) {
            if (reaped) return true;
            int r = Libc.waitpid(pid, status, Constants.WNOHANG);
            if (r == 0) return false; // still running
            if (r == pid) {
                st = new ExitStatus(status.get(JAVA_INT, 0));
            } else if (Libc.errno() == Errno.EINTR.number()) {
                return false;
            } else {
                st = new ExitStatus(ExitStatus.UNKNOWN); // ECHILD: not ours any more; nothing left to reap
            }
            reaped = true;
        }
        exit.complete(st);
        return true;
    }

    /** {@return the pid and program, e.g. {@code pid 4242 (cat)}} */
    @Override
    public String toString() {
        return "pid " + pid + " (" + program + ")";
    }

    /**
     * What to run and what it gets; {@link #start} spawns it. A builder may be {@link #copy copied}
     * for each of many children of one command (a server's per connection): the copies share argv and
     * the environment already encoded for posix_spawn, and each adds its own descriptors and
     * {@link #setenv variables}.
     */
    public static final class Builder {
        private final List<String> argv;
        private Map<String, String> environment;
        private final TreeMap<Integer, Socket> descriptors = new TreeMap<>(); // child's number -> ours
        private final TreeSet<Integer> devNull = new TreeSet<>();             // child's numbers opened on /dev/null
        private final Map<String, String> overrides = new LinkedHashMap<>();  // setenv: this child's own variables
        private short groupFlag;                                                // POSIX_SPAWN_SETPGROUP or _SETSID, or 0
        private boolean dieWithParent;
        // argv and the environment as posix_spawn takes them, built at the first start; shared with copies
        private Prepared prepared;

        private Builder(List<String> argv) {
            if (argv.isEmpty()) throw new IllegalArgumentException("argv is empty: nothing to run");
            for (String a : argv) {
                if (a.indexOf('\0') >= 0) throw new IllegalArgumentException("argv holds a NUL byte: " + a);
            }
            this.argv = List.copyOf(argv);
        }

        /**
         * A new builder for another child of the same command: the same argv, environment, process
         * group or session and parent-death setting, encoded for posix_spawn once for all copies;
         * no descriptors and no {@link #setenv} variables of this one.
         *
         * @return the copy
         * @throws IOException as {@link #start} when argv or the environment cannot be prepared (dieWithParent:
         *         the program is not found, or the helper cannot be installed)
         */
        public Builder copy() throws IOException {
            Builder b = new Builder(argv);
            b.environment = environment;
            b.groupFlag = groupFlag;
            b.dieWithParent = dieWithParent;
            b.prepared = prepared();
            return b;
        }

        /**
         * The child's whole environment (default: {@link ChildProcess#inheritedEnvironment()}).
         *
         * @param environment the variables, copied
         * @return this builder
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            prepared = null;
            return this;
        }

        /**
         * One more variable for this child, or another value for one of its environment's.
         *
         * @param name the variable's name: not empty, no '=' or NUL
         * @param value its value, no NUL
         * @return this builder
         * @throws IllegalArgumentException for a bad name or a NUL byte
         */
        public Builder setenv(String name, String value) {
            if (name.isEmpty() || name.indexOf('=') >= 0) throw new IllegalArgumentException("not a variable name: " + name);
            Prepared.variable(name, value);
            overrides.put(name, value);
            return this;
        }

        /**
         * The socket becomes the child's standard input and output (descriptors 0 and 1).
         *
         * @param socket the socket, open until {@link #start} returns
         * @return this builder
         */
        public Builder stdio(Socket socket) {
            return descriptor(0, socket).descriptor(1, socket);
        }

        /**
         * The socket appears in the child as descriptor {@code childFd} (e.g. a listener at 3).
         *
         * @param childFd the child's descriptor number, 0 or more
         * @param socket the socket, open until {@link #start} returns
         * @return this builder
         * @throws IllegalArgumentException if {@code childFd} is negative
         */
        public Builder descriptor(int childFd, Socket socket) {
            if (childFd < 0) throw new IllegalArgumentException("descriptor number must be >= 0: " + childFd);
            descriptors.put(childFd, Objects.requireNonNull(socket));
            devNull.remove(childFd);
            return this;
        }

        /**
         * The child leads a new process group of its own (POSIX_SPAWN_SETPGROUP, pgid = its pid), so
         * that {@link ChildProcess#signalGroup} reaches it and everything it starts, and a terminal's
         * Ctrl-C reaches only this process.
         *
         * @return this builder
         */
        public Builder processGroup() {
            groupFlag = Constants.POSIX_SPAWN_SETPGROUP;
            return this;
        }

        /**
         * The child leads a new session (POSIX_SPAWN_SETSID, sid = pgid = its pid): every process it
         * starts stays in that session, also in process groups of their own, so the session's number
         * finds them all after the child is gone.
         *
         * @return this builder
         */
        public Builder session() {
            groupFlag = Constants.POSIX_SPAWN_SETSID;
            return this;
        }

        /**
         * The child dies when this process ends, however it ends (SIGKILL included). posix_spawn has
         * no attribute for it, so the child is spawned through a tiny static helper (one extra, cheap
         * execve; installed once under {@code $TMPDIR/jsock-UID/}) that arranges it and then execs
         * the program:
         * <ul>
         * <li>for a child spawned into a {@link #processGroup} or {@link #session} of its own, the
         *     guardian: one small process per JVM (started at the first such child, in this
         *     process's group but not its child, holding none of the children's descriptors, its
         *     environment blank). The helper registers the child with it (writes its pid to the
         *     guardian's pipe) before the exec; the guardian waits on pidfds of this process and of
         *     every registered child in one epoll. This process gone first: SIGKILL to each
         *     registered child's whole group, so what the program started (a shell's {@code cat})
         *     goes too. A child gone first: the guardian forgets it.
         * <li>else (or when the guardian cannot be reached) prctl(PR_SET_PDEATHSIG, SIGKILL), which
         *     survives the exec. The kernel sends it when the spawning <em>thread</em> ends, so these
         *     children are spawned by one thread that lives as long as the JVM.
         * </ul>
         * A child that should take its own children with it does the same for them (jsock's worker
         * JVMs do). argv[0] is looked up in PATH by {@link ChildProcess#locate} at the first start; a
         * program that cannot be executed after all then exits 126 (127: ENOENT) with a line on
         * standard error instead of failing the start. x86-64 only: elsewhere this setting has no
         * effect.
         *
         * @return this builder
         */
        public Builder dieWithParent() {
            dieWithParent = true;
            prepared = null;
            return this;
        }

        /**
         * The child's descriptor {@code childFd} is /dev/null (e.g. a worker's stdin and stdout).
         *
         * @param childFd the child's descriptor number, 0 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code childFd} is negative
         */
        public Builder devNull(int childFd) {
            if (childFd < 0) throw new IllegalArgumentException("descriptor number must be >= 0: " + childFd);
            descriptors.remove(childFd);
            devNull.add(childFd);
            return this;
        }

        private Prepared prepared() throws IOException {
            if (prepared == null) {
                prepared = Prepared.of(argv, environment != null ? environment : Environ.current(), dieWithParent);
                // a server prepares its command at its start: its guardian is then running before the first connection
                if (prepared.helper && groupFlag != 0) Guardian.registration();
            }
            return prepared;
        }

        /**
         * posix_spawn(3) (posix_spawnp(3) when argv[0] has no slash). The sockets must stay open
         * until this returns; the child holds its own references to them afterwards.
         *
         * @return the running child, watched by the reaper
         * @throws io.jsock.socket.SocketClosedException if a socket given to it is closed
         * @throws IOException a program that cannot be run, with its errno (ENOENT, EACCES, ENOEXEC) naming
         *         argv[0], as an {@link io.jsock.socket.ErrnoException}; or what posix_spawn refused
         */
        public ChildProcess start() throws IOException {
            for (Socket s : descriptors.values()) {
                if (!s.isOpen()) throw new SocketClosedException("posix_spawn");
            }
            Prepared p = prepared();
            if (dieWithParent && groupFlag == 0) { // only the death signal is bound to the spawning thread
                SpawnSetup.Plan plan = plan(-1);
                return Spawner.INSTANCE.call(() -> spawn(p, plan, -1));
            }
            // A group leader registers with the guardian through its socket, put just above the child's descriptors
            int guardian = dieWithParent && p.helper ? Guardian.registration() : -1;
            SpawnSetup.Plan plan = plan(guardian);
            return spawn(p, plan, guardian < 0 ? -1 : plan.closeFrom() - 1);
        }

        private ChildProcess spawn(Prepared p, SpawnSetup.Plan plan, int reg) throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment shared = SpawnSetup.actions(plan);
                MemorySegment actions = shared != null ? shared : SpawnSetup.build(plan, arena);
                try {
                    Prepared.Call call = p.call(arena, overrides);
                    return ChildProcess.spawn(call.pid(), p.file, p.search, actions, SpawnSetup.attr(groupFlag), p.argv(reg),
                            call.envp(), argv.get(0), groupFlag != 0);
                } finally {
                    if (shared == null) Libc.posix_spawn_file_actions_destroy(actions);
                }
            }
        }

        /**
         * The child's descriptor table: each socket dup2'ed to its number (dup2 clears close-on-exec
         * on the copy; glibc clears it also when the numbers are equal), then everything above the
         * highest number (at least 3: standard error stays) closed. When a socket's own number is
         * another's target, all go through fresh numbers first so no dup2 overwrites a source.
         */
        private SpawnSetup.Plan plan(int guardian) {
            int highest = devNull.isEmpty() ? 2 : Math.max(2, devNull.last());
            TreeMap<Integer, Integer> sources = new TreeMap<>(); // child's number -> ours
            for (var e : descriptors.entrySet()) {
                sources.put(e.getKey(), e.getValue().fd());
                highest = Math.max(highest, e.getKey());
            }
            if (guardian >= 0) sources.put(++highest, guardian); // the helper closes it before the exec
            int top = 2;
            boolean clash = false;
            for (var e : sources.entrySet()) {
                int target = e.getKey(), source = e.getValue();
                top = Math.max(top, Math.max(target, source));
                if (source != target && sources.containsKey(source)) clash = true;
            }
            List<Integer> dup2 = new ArrayList<>(sources.size() * (clash ? 4 : 2));
            if (clash) {
                int spare = top + 1;
                for (var e : sources.entrySet()) {
                    dup2.add(e.getValue());
                    dup2.add(spare++);
                }
                spare = top + 1;
                for (var e : sources.entrySet()) {
                    dup2.add(spare++);
                    dup2.add(e.getKey());
                }
            } else {
                for (var e : sources.entrySet()) {
                    dup2.add(e.getValue());
                    dup2.add(e.getKey());
                }
            }
            return new SpawnSetup.Plan(List.copyOf(dup2), List.copyOf(devNull), highest + 1);
        }
    }
}
