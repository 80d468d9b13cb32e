package io.jsock.server.process;

import io.jsock.server.serving.LiveConnection;

import io.jsock.server.Connection;
import io.jsock.server.serving.ServerConfig;
import io.jsock.server.serving.Serving;

import io.jsock.server.serving.Design;

import io.jsock.socket.Accepted;
import io.jsock.socket.process.ChildProcess;
import io.jsock.socket.SockAddr;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * TCPLOCALPORT, TCPREMOTEIP, TCPREMOTEPORT, added to this process's environment.
 *
 * <p>A connection's slot (the connection cap) is held until its child exits; children are reaped
 * by pid ({@link ChildProcess}). At shutdown the children get the grace period to finish, then
 * SIGTERM, then SIGKILL after {@value #TERM_WAIT_MILLIS} ms.
 */
public final class ProcessPerClient implements Design {
    /** How long the children get between SIGTERM and SIGKILL, once the grace period is over. */
    public static final long TERM_WAIT_MILLIS = 1000;

    // Set by start; never change after.
    private Serving serving;
    private List<String> argv;     // the command: program and arguments
    private String handlerSpec;    // or, for a Java handler, what the child JVM builds
    private boolean javaChild;
    private Thread acceptor;

    // Children alive, by connection id: added by the accept thread, removed by the reaper's callback.
    private final Map<Long, ChildProcess> children = new ConcurrentHashMap<>();

    /** The design of {@code process}; {@link #start} works out what each child runs. */
    public ProcessPerClient() {}

    @Override
    public void start(Serving serving) throws IOException {
        prepare(serving);
        acceptor = Thread.ofPlatform().name("jsock-accept").start(() -> serving.acceptLoop(this::spawn));
    }

    /** Works out what each child runs; throws if it cannot run (a missing program, a handler a child cannot build). */
    private void prepare(Serving serving) throws IOException {
        this.serving = serving;
        ServerConfig config = serving.config;
        if (config.command() != null) {
            argv = config.command();
            ChildProcess.locate(argv.get(0)); // a missing program fails start(), not every connection
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
            ChildProcess.Builder b = ChildProcess.builder(argvFor(c)).environment(environment(c));
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
        a.socket().close(); // UNP 4.8: the parent closes connfd; the child holds the connection now
        children.put(c.id(), child);
        child.onExit().thenAccept(status -> {
            children.remove(c.id());
            serving.closed(c, "child " + child.pid() + " " + status);
        });
    }

    private List<String> argvFor(Connection c) {
        return javaChild ? ChildJvm.command("serve", handlerSpec, Long.toString(c.id())) : argv;
    }

    /** This process's environment plus UCSPI's variables for the connection (PROTO=TCP, TCPLOCALIP, ...). */
    private static Map<String, String> environment(Connection c) {
        Map<String, String> env = new HashMap<>(System.getenv());
        SockAddr local = c.local();
        SockAddr remote = c.peer();
        if (remote instanceof SockAddr.Inet4 || remote instanceof SockAddr.Inet6) {
            env.put("PROTO", "TCP");
            if (local != null) {
                env.put("TCPLOCALIP", ip(local));
                env.put("TCPLOCALPORT", Integer.toString(local.port()));
            }
            env.put("TCPREMOTEIP", ip(remote));
            env.put("TCPREMOTEPORT", Integer.toString(remote.port()));
        } else if (remote instanceof SockAddr.Local) {
            env.put("PROTO", "UNIX");
        }
        if (c instanceof LiveConnection lc && lc.proxiedBy() != null) {
            env.put("PROXY", "1"); // the remote variables are the PROXY header's, not the socket's peer
            env.put("PROXYREMOTEIP", ip(lc.proxiedBy()));
        }
        return env;
    }

    private static String ip(SockAddr a) {
        return switch (a) {
            case SockAddr.Inet4 v4 -> v4.address().getHostAddress();
            case SockAddr.Inet6 v6 -> {
                String h = v6.address().getHostAddress();
                int pct = h.indexOf('%');
                yield pct < 0 ? h : h.substring(0, pct);
            }
            default -> a.toString();
        };
    }

    @Override
    public void stop(long deadline) throws InterruptedException {
        serving.finish(deadline, acceptor == null ? List.of() : List.of(acceptor), this::terminateChildren);
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
