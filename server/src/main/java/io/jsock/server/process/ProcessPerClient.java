package io.jsock.server.process;

import io.jsock.server.serving.LiveConnection;

import io.jsock.server.Connection;
import io.jsock.server.Ucspi;
import io.jsock.server.serving.ServerConfig;
import io.jsock.server.serving.Serving;

import io.jsock.server.serving.Design;

import io.jsock.socket.Accepted;
import io.jsock.socket.process.ChildProcess;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code process}: one child process per client, UNP 4.8's fork loop done the safe way for a JVM.
 * The accept thread accepts (the shared loop); for each connection it clears O_NONBLOCK on the
 * connected socket (the child shares the file status flags), spawns the child with posix_spawn
 * (fork and exec in one: a JVM never forks without exec) and then closes its own connfd at once:
 * that close drops only the parent's reference (UNP 4.9); the client sees EOF when the child exits.
 * The listener never reaches the child: it is close-on-exec, and the spawn closes every descriptor
 * above the ones handed over.
 *
 * <p>The child is the server's command (inetd/tcpserver style, the socket as its stdin and
 * stdout), or, for a Java {@link io.jsock.server.Handler}, a small JVM ({@link ChildMain}) that adopts the socket
 * at descriptor 0 and runs the handler. Its environment follows UCSPI: PROTO, TCPLOCALIP,
 * TCPLOCALPORT, TCPREMOTEIP, TCPREMOTEPORT, and systemd's REMOTE_ADDR, REMOTE_PORT ({@link Ucspi}).
 *
 * <p>A connection's slot (the connection cap) is held until its child exits; children are reaped
 * by pid ({@link ChildProcess}). Each child leads a process group of its own, so what it starts (a
 * shell's {@code cat}) is reached with it. At shutdown the children get the grace period to finish,
 * then their whole groups get SIGTERM, then SIGKILL after {@value #TERM_WAIT_MILLIS} ms; groups a
 * child left behind when it exited (a background job still running) get the same at the stop, so no
 * process the server started outlives it. Each child is also spawned to die with the server
 * ({@link ChildProcess.Builder#dieWithParent()}: SIGKILL when the server's process ends, however it
 * ends), so a server killed with SIGKILL leaves no child; what a child started is its own to end
 * (a shell's {@code cat} goes when its connection closes).
 *
 * <p>With an idle timeout or a deadline the parent keeps its descriptor of the connection until the
 * child exits (to read TCP_INFO, and to shut the connection down); a connection past its limit is
 * shut down both ways and its child's group gets SIGTERM, then SIGKILL after the same wait.
 */
public final class ProcessPerClient implements Design {
    /** How long the children get between SIGTERM and SIGKILL, once the grace period is over. */
    public static final long TERM_WAIT_MILLIS = 1000;

    // Set by start; never change after.
    private Serving serving;
    private String handlerSpec;    // or, for a Java handler, what the child JVM builds
    private boolean javaChild;
    private ChildProcess.Builder command; // for a command: argv and the environment prepared once; copied per child
    private Thread acceptor;

    // Children alive, by connection id: added by the accept thread, removed by the reaper's callback.
    private final Map<Long, ChildProcess> children = new ConcurrentHashMap<>();
    // Children that exited while others of their process group lived on, by pid: ended at the stop.
    private final Map<Integer, ChildProcess> lingering = new ConcurrentHashMap<>();

    /** The design of {@code process}; {@link #start} works out what each child runs. */
    public ProcessPerClient() {}

    @Override
    public void start(Serving serving) throws IOException {
        prepare(serving);
        serving.limiter().onExpire(c -> {
            ChildProcess child = children.get(c.id());
            if (child != null) endGroup(child);
        });
        acceptor = Thread.ofPlatform().name("jsock-accept").start(() -> serving.acceptLoop(this::spawn));
    }

    /** Works out what each child runs; throws if it cannot run (a missing program, a handler a child cannot build). */
    private void prepare(Serving serving) throws IOException {
        this.serving = serving;
        ServerConfig config = serving.config;
        if (config.command() != null) {
            List<String> argv = config.command();
            ChildProcess.locate(argv.get(0)); // a missing program fails start(), not every connection
            command = ChildProcess.builder(argv).environment(ChildProcess.inheritedEnvironment()).processGroup().dieWithParent()
                    .copy(); // prepared now, once: each connection's copy shares argv and the environment, encoded
        } else {
            handlerSpec = ChildJvm.handlerSpec(config.handler());
            AotCache.INSTANCE.ensure(handlerSpec); // the first children start without it; later ones with it
            javaChild = true;
        }
    }

    /** One accepted connection: spawn its child, then close our connfd. */
    private void spawn(Accepted a) {
        LiveConnection c = serving.admit(a);
        if (c == null) return; // refused: closed, logged, its slot given back
        ChildProcess child;
        try {
            a.socket().setBlockingForChild(true); // the child expects blocking I/O and shares the flags
            ChildProcess.Builder b = javaChild
                    ? ChildProcess.builder(ChildJvm.command("serve", handlerSpec, Long.toString(c.id()))).processGroup().dieWithParent()
                    : command.copy();
            environment(c).forEach(b::setenv);
            if (javaChild) {
                b.descriptor(0, a.socket()).devNull(1); // the child's only reference: its close sends the FIN
            } else {
                b.stdio(a.socket());
            }
            child = b.start();
        } catch (IOException | RuntimeException e) {
            a.socket().close();
            serving.log(Level.WARNING, c + ": spawn failed: " + e.getMessage());
            serving.closed(c, "spawn failed: " + e.getMessage());
            return;
        }
        // UNP 4.8: the parent closes connfd; the child holds the connection now. When connections are logged, or a
        // limit may end them, the parent keeps its reference until the child exits: to read the kernel's byte counts
        // (TCP_INFO) then, and its idleness meanwhile (and to shut it down). The client's EOF then comes at that
        // close, just after the child's exit, rather than at the exit itself.
        if (serving.config.log() == null && !timed()) a.socket().close();
        else c.heldByChild();
        children.put(c.id(), child);
        child.onExit().thenAccept(status -> {
            children.remove(c.id());
            if (child.groupAlive()) lingering(child); // a job of its still runs: ended at the stop
            serving.closed(c, "child " + child.pid() + " " + status);
        });
    }

    /**
     * Keeps a child whose group outlived it, for {@link #endLingering}. The groups that ended since are
     * forgotten when the map has doubled since the last look: a kill(2) per group, amortized to a
     * few per child, where looking at every exit cost one per lingering group each time.
     */
    private void lingering(ChildProcess child) {
        lingering.put(child.pid(), child);
        if (lingering.size() < pruneAt) return;
        synchronized (lingering) {
            if (lingering.size() < pruneAt) return;
            lingering.values().removeIf(g -> !g.groupAlive());
            pruneAt = Math.max(PRUNE_MIN, 2 * lingering.size());
        }
    }

    private static final int PRUNE_MIN = 64;
    /**
     * How long a group gets to empty itself at the stop before it counts as left behind: a worker
     * JVM's own guardian (in the worker's group) follows the worker out a moment after its exit.
     */
    private static final long GUARDIAN_WAIT_MILLIS = 200;
    private volatile int pruneAt = PRUNE_MIN;

    private boolean timed() {
        return serving.config.limits() != null && serving.config.limits().timed();
    }

    /** A connection past its limit: SIGTERM to its child's group, SIGKILL after {@value #TERM_WAIT_MILLIS} ms if any is left. */
    private void endGroup(ChildProcess child) {
        Children.signal(List.of(child), false, serving);
        CompletableFuture.delayedExecutor(TERM_WAIT_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
            if (child.groupAlive()) Children.signal(List.of(child), true, serving);
        });
    }

    /** UCSPI's and systemd's variables for the connection (PROTO=TCP, TCPLOCALIP, REMOTE_ADDR, ...), set over this process's environment. */
    private static Map<String, String> environment(Connection c) {
        Map<String, String> env = Ucspi.variables(c.local(), c.peer());
        if (c instanceof LiveConnection lc && lc.proxiedBy() != null) {
            env.put("PROXY", "1"); // the remote variables are the PROXY header's, not the socket's peer
            env.put("PROXYREMOTEIP", Ucspi.ip(lc.proxiedBy()));
        }
        return env;
    }

    @Override
    public void stop(long deadline) throws InterruptedException {
        serving.finish(deadline, acceptor == null ? List.of() : List.of(acceptor), this::terminateChildren);
        endLingering();
        if (javaChild) AotCache.INSTANCE.stopTraining(); // the AOT training child too: nothing outlives close()
    }

    /**
     * The groups children left behind when they exited (a background job): SIGTERM, then SIGKILL
     * after {@value #TERM_WAIT_MILLIS} ms to those still there. A clean stop leaves no process.
     */
    private void endLingering() {
        List<ChildProcess> left = lingering.values().stream().filter(ChildProcess::groupAlive).toList();
        if (left.isEmpty()) return;
        try { // a worker JVM that has just exited may still have its guardian (dieWithParent) in its group, for a moment
            Children.awaitGroups(left, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GUARDIAN_WAIT_MILLIS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        left = left.stream().filter(ChildProcess::groupAlive).toList();
        if (left.isEmpty()) return;
        serving.log(Level.INFO, "ending " + left.size() + " process group(s) left by children that exited: " + left);
        Children.signal(left, false, serving);
        try {
            if (Children.awaitGroups(left, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TERM_WAIT_MILLIS))) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop waiting, not ending them: SIGKILL below
        }
        Children.signal(left, true, serving);
    }

    /** After the grace period: SIGTERM every child, then SIGKILL those still there after a short wait. */
    public void terminateChildren() {
        Children.signal(children.values(), false, serving);
        try {
            if (Children.awaitExit(children.values(), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TERM_WAIT_MILLIS))) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop waiting, not ending them: SIGKILL below
        }
        Children.signal(children.values(), true, serving);
    }

}
