package io.jsock.server.process;

import io.jsock.server.threads.ThreadPerClient;

import io.jsock.server.Admission;
import io.jsock.server.Cidr;
import io.jsock.server.Handler;
import io.jsock.server.LogEvent;
import io.jsock.server.proxy.ProxyProtocol;
import io.jsock.server.proxy.ProxySources;
import io.jsock.server.serving.Limits;
import io.jsock.socket.process.Credentials;
import io.jsock.server.Model;
import io.jsock.server.serving.ExclusiveAccept;
import io.jsock.server.serving.Design;
import io.jsock.server.serving.ServerConfig;
import io.jsock.server.serving.Serving;
import io.jsock.server.serving.Warmup;

import io.jsock.socket.ErrnoException;
import io.jsock.socket.Socket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * One worker of the {@code prefork} model (UNP 30.6), in its own JVM: adopts the listener its
 * parent handed over at descriptor 3 and runs the shared accept loop on it, waiting with
 * {@link ExclusiveAccept} so that one connection wakes one worker. A Java handler serves each
 * connection on a virtual thread of its own (so one worker serves many clients at once, as the
 * {@code virtual} model does); a command is spawned per connection as the {@code process} model
 * does. On SIGTERM: stop accepting, let connections in flight finish within the grace period,
 * then close them (or TERM/KILL their children), and exit 0. The same when the parent dies.
 *
 * <pre>
 * ChildMain worker [--parent PID] [--grace MS] [--max N] [-v] [--stats DIR] [--herd]
 *     [--allow CIDR]... [--deny CIDR]... [--max-per-ip N] [--rate N/s] [--idle MS] [--deadline MS] [--uid U --gid G]
 *     [--proxy MS [--proxy-from CIDR]...]
 *     (HANDLER | -- COMMAND ARGS...)
 * </pre>
 * Admission counts are each worker's own: {@code --max-per-ip N} lets a source hold N connections
 * per worker, and {@code --rate} a bucket per worker (the kernel spreads one source's connections
 * over the workers). With {@code --uid}, the worker drops to it before it accepts anything.
 * {@code --stats DIR} writes {@code wakeups accepted empty} to {@code DIR/worker-PID} at exit;
 * {@code --herd} registers the listener without EPOLLEXCLUSIVE (to show the herd it prevents).
 * {@code --proxy MS}: each connection starts with a PROXY header, read within MS by the shared
 * serving steps as the in-process models read it, so the limits and the log see the header's source.
 */
final class PreforkWorker {
    static final int LISTENER_FD = 3;
    /** Where the parent's ready socket is: one byte on it says this worker accepts (see {@link Preforked}). */
    static final int READY_FD = 4;

    private PreforkWorker() {}

    static int run(String[] args) {
        Duration grace = Duration.ofSeconds(5);
        int max = 0;
        boolean verbose = false, exclusive = true;
        Path stats = null;
        String handlerSpec = null;
        List<String> command = null;
        Admission.Builder admission = Admission.builder();
        Duration idle = null, deadline = null;
        int uid = -1, gid = -1;
        Duration proxyDeadline = null; // null: no PROXY header
        List<String> proxyFrom = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--allow" -> admission.allow(Cidr.parse(args[++i]));
                case "--deny" -> admission.deny(Cidr.parse(args[++i]));
                case "--max-per-ip" -> admission.maxPerSource(Integer.parseInt(args[++i]));
                case "--rate" -> admission.rate(args[++i]);
                case "--idle" -> idle = Duration.ofMillis(Long.parseLong(args[++i]));
                case "--deadline" -> deadline = Duration.ofMillis(Long.parseLong(args[++i]));
                case "--uid" -> uid = Integer.parseInt(args[++i]);
                case "--gid" -> gid = Integer.parseInt(args[++i]);
                case "--proxy" -> proxyDeadline = Duration.ofMillis(Long.parseLong(args[++i]));
                case "--proxy-from" -> proxyFrom.add(args[++i]);
                case "--grace" -> grace = Duration.ofMillis(Long.parseLong(args[++i]));
                case "--max" -> max = Integer.parseInt(args[++i]);
                case "-v" -> verbose = true;
                case "--stats" -> stats = Path.of(args[++i]);
                case "--herd" -> exclusive = false;
                case "--parent" -> watchParent(Long.parseLong(args[++i]));
                case "--" -> {
                    command = List.of(args).subList(i + 1, args.length);
                    i = args.length;
                }
                default -> handlerSpec = args[i];
            }
        }
        if ((command == null || command.isEmpty()) == (handlerSpec == null)) {
            ChildMain.usage("worker needs a HANDLER or -- COMMAND ARGS...");
        }
        long pid = ProcessHandle.current().pid();
        // -v: each event a line on standard output, which is the parent's end of a socket pair (WorkerLog)
        Consumer<LogEvent> log = verbose ? e -> {
            synchronized (System.out) {
                System.out.println(WorkerLog.encode(e));
                System.out.flush();
            }
        } : null;
        Handler handler = handlerSpec == null ? null : ChildMain.handler(handlerSpec);
        try {
            Credentials runAs = null;
            if (uid >= 0) {
                runAs = Credentials.of(uid, gid);
                runAs.apply(); // before the first accept: no connection is served, no child spawned, as root
            }
            Limits limits = new Limits(admission.build(), idle, deadline, runAs);
            ProxyProtocol proxy = proxyDeadline == null ? null : new ProxyProtocol(ProxySources.parse(proxyFrom), proxyDeadline);
            serve(handler, command, grace, max, log, stats, exclusive, limits, proxy);
            return 0;
        } catch (IOException e) {
            System.err.println("jsock worker " + pid + ": " + e.getMessage());
            return 1;
        }
    }

    /** Serves on the inherited listener until SIGTERM, then shuts down in order; returns when done. */
    private static void serve(Handler handler, List<String> command, Duration grace, int max,
            Consumer<LogEvent> log, Path stats, boolean exclusive, Limits limits, ProxyProtocol proxy) throws IOException {
        Socket listener;
        try {
            listener = Socket.adopt(LISTENER_FD);
        } catch (ErrnoException e) {
            throw new ErrnoException("adopt", e.errnoNumber(), "fd " + LISTENER_FD, "the listener a prefork worker inherits");
        }
        Warmup.once(); // before the first accept: a worker runs out of descriptors as any server does
        Model model = command != null ? Model.PROCESS : Model.VIRTUAL;
        ServerConfig config = new ServerConfig(listener.getsockname(), 0, model, handler, command, max, grace, log, null, false, limits, proxy);
        Serving serving = new Serving(config, listener);
        ExclusiveAccept accept = new ExclusiveAccept(listener, exclusive);
        serving.acceptWith(accept::next);
        Design design = command != null ? new ProcessPerClient() : ThreadPerClient.virtual();
        CountDownLatch done = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            try {
                serving.markStopping();
                listener.close(); // our reference only: the siblings and the parent's are separate
                accept.stop();
                design.stop(System.nanoTime() + grace.toNanos());
                if (stats != null) Files.writeString(stats.resolve("worker-" + ProcessHandle.current().pid()), accept.counts() + "\n");
            } catch (IOException | InterruptedException e) {
                System.err.println("jsock worker: shutdown: " + e);
            } finally {
                accept.close();
                done.countDown();
            }
        }, "jsock-worker-stop");
        design.start(serving);
        tellAccepting();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopper.start();
            try {
                stopper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(0); // stopped in order: exit 0, not SIGTERM's 143
        }, "jsock-worker-sigterm"));
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One byte on the ready socket, then closed: the parent's start (and its READY=1) waits for it. */
    private static void tellAccepting() {
        try (Socket ready = Socket.adopt(READY_FD)) {
            ready.write(new byte[] {1});
        } catch (IOException e) {
            // Started without one (by hand, or an older parent): nobody waits for the byte.
        }
    }

    /**
     * A parent that dies without stopping us (SIGKILL) must not leave its workers serving forever.
     * Called first thing, with the pid the parent passed: asking for "my parent" later could find
     * init (pid 1) instead, once a slow start outlived a parent that was killed meanwhile, and a
     * worker waiting for init to exit never stops (seen under load: two workers orphaned for good).
     */
    private static void watchParent(long pid) {
        long now = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        Optional<ProcessHandle> parent = ProcessHandle.of(pid);
        if (now != pid || parent.isEmpty()) {
            System.err.println("jsock worker " + ProcessHandle.current().pid() + ": parent " + pid + " is gone; exiting");
            System.exit(0);
        }
        parent.get().onExit().thenRun(() -> System.exit(0));
    }

    private static void add(List<String> a, String option, String value) {
        a.add(option);
        a.add(value);
    }

    /** The worker's arguments after {@code worker}. */
    static List<String> arguments(ServerConfig config, int workers, Path stats, boolean herd) {
        List<String> a = new ArrayList<>();
        a.add("--parent"); // first: the worker checks it before anything slow
        a.add(Long.toString(ProcessHandle.current().pid()));
        a.add("--grace");
        a.add(Long.toString(config.grace().toMillis()));
        if (config.maxConnections() > 0) {
            a.add("--max");
            a.add(Integer.toString((config.maxConnections() + workers - 1) / workers)); // the cap, shared out
        }
        if (config.log() != null) a.add("-v");
        if (stats != null) {
            a.add("--stats");
            a.add(stats.toString());
        }
        if (herd) a.add("--herd");
        Limits limits = config.limits();
        if (limits != null) {
            Admission adm = limits.admission();
            if (adm != null) {
                for (Cidr c : adm.allowed()) add(a, "--allow", c.toString());
                for (Cidr c : adm.denied()) add(a, "--deny", c.toString());
                if (adm.maxPerSource() > 0) add(a, "--max-per-ip", Integer.toString(adm.maxPerSource()));
                if (adm.rate() > 0) add(a, "--rate", adm.rateText());
            }
            if (limits.idleTimeout() != null) add(a, "--idle", Long.toString(limits.idleTimeout().toMillis()));
            if (limits.deadline() != null) add(a, "--deadline", Long.toString(limits.deadline().toMillis()));
            if (limits.runAs() != null) {
                add(a, "--uid", Integer.toString(limits.runAs().uid()));
                add(a, "--gid", Integer.toString(limits.runAs().gid()));
            }
        }
        if (config.proxy() != null) {
            add(a, "--proxy", Long.toString(config.proxy().deadline().toMillis()));
            for (ProxySources.Prefix p : config.proxy().from().prefixes()) add(a, "--proxy-from", p.toString());
        }
        if (config.command() != null) {
            a.add("--");
            a.addAll(config.command());
        } else {
            a.add(ChildJvm.handlerSpec(config.handler()));
        }
        return a;
    }
}
