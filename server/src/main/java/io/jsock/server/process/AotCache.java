package io.jsock.server.process;

import io.jsock.socket.process.ChildProcess;
import io.jsock.socket.process.ExitStatus;
import io.jsock.socket.Family;
import io.jsock.socket.Shutdown;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The AOT cache of the child JVMs (JDK 25: JEP 483's ahead-of-time class loading and linking, with
 * JEP 514's one-step {@code -XX:AOTCacheOutput}). The first server that needs a child JVM trains
 * one in the background: a child serves one connection over a socketpair with
 * {@code -XX:AOTCacheOutput}, and at its exit the JVM writes the cache. Children started after that
 * run with {@code -XX:AOTCache=FILE}: their classes come loaded and linked from the cache.
 *
 * <p>The cache lives in {@code $XDG_CACHE_HOME/jsock/aot-<hash>/child-<hash>.aot} ({@code ~/.cache} when
 * XDG_CACHE_HOME is not set; see {@link #cacheRoot}) (a directory only we
 * may write, one per java binary and version, class path and child flags; a file per class-path
 * entries' sizes and modification times), so a rebuilt jar gets a new cache, whose training removes
 * the old one. A class path with a
 * directory (a build's {@code target/classes}) cannot be cached (the JVM archives classes from jars
 * only): then children run without it. {@code -Djsock.aot=off} turns the cache off.
 */
final class AotCache {
    private static final System.Logger LOG = System.getLogger("io.jsock.server");
    static final AotCache INSTANCE = new AotCache();

    private final Path file;          // null: caching is off or impossible here
    private final AtomicBoolean trainingStarted = new AtomicBoolean();
    private volatile boolean ready;
    private Thread trainer;            // the background training run's thread, under this lock
    private ChildProcess training;     // its child JVM while it runs, under this lock
    private boolean stopped;           // stopTraining came: no training child starts now, under this lock

    private AotCache() {
        this(locate());
    }

    /** A cache in {@code file} (null: off); the tests' own. */
    AotCache(Path file) {
        this.file = file;
        this.ready = file != null && Files.isRegularFile(file);
    }

    /** {@code -XX:AOTCache=FILE} once the cache exists, else null. */
    String option() {
        return ready ? "-XX:AOTCache=" + file : null;
    }

    /** Where the cache is (or would be); null when off. */
    Path file() {
        return file;
    }

    /**
     * Builds the cache in the background unless it exists or is being built; returns at once. The
     * training run serves one connection with {@code handlerSpec}: a line of text, then EOF.
     */
    synchronized void ensure(String handlerSpec) {
        if (file == null || ready || !trainingStarted.compareAndSet(false, true)) return;
        stopped = false;
        trainer = Thread.ofPlatform().daemon().name("jsock-aot-training").start(() -> {
            try {
                ready = train(handlerSpec);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "AOT cache training failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (!ready) trainingStarted.set(false); // stopped or failed: a later server may train again
            }
        });
    }

    /**
     * Ends the training run under way, if any, and waits for it (its child reaped, its partial file
     * removed), at most {@code 10 s}: a server's stop calls it, so that nothing it started outlives its
     * close(), the training child JVM included. A later {@link #ensure} trains again.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void stopTraining() throws InterruptedException {
        Thread t;
        synchronized (this) {
            stopped = true;
            try {
                if (training != null) training.signalGroup(ChildProcess.SIGKILL); // its group: the JVM it starts to assemble the cache too
            } catch (IOException e) { // EPERM cannot happen to our own child; said if it does
                LOG.log(Level.WARNING, "AOT cache training child not killed: " + e.getMessage());
            }
            t = trainer;
        }
        if (t != null && !t.join(Duration.ofSeconds(10))) LOG.log(Level.WARNING, "AOT cache training not ended within 10 s");
    }

    /** The training child while it runs (for the tests). */
    synchronized ChildProcess trainingChild() {
        return training;
    }

    /** Runs the training child and waits for it; true when the cache file was written. */
    boolean train(String handlerSpec) throws IOException, InterruptedException {
        if (Files.isRegularFile(file)) return true;
        Path partial = file.resolveSibling("training-" + ProcessHandle.current().pid() + ".aot");
        List<String> argv = new ArrayList<>(ChildJvm.flags());
        argv.add("-XX:AOTCacheOutput=" + partial);
        argv.addAll(ChildJvm.main());
        argv.addAll(List.of("serve", handlerSpec, "0"));
        Socket[] conn = Socket.pair(Family.LOCAL, SocketType.STREAM);
        Socket[] out = Socket.pair(Family.LOCAL, SocketType.STREAM); // the JVM's lines about making the cache
        ChildProcess child;
        Thread cleanup;
        try {
            conn[1].setBlockingForChild(true);
            out[1].setBlockingForChild(true);
            synchronized (this) {
                if (stopped) { // the server stopped before its training began
                    conn[0].close();
                    out[0].close();
                    return false;
                }
                // A group of its own: at its exit the training JVM starts another to assemble the cache, and a
                // stop must end that one too.
                child = ChildProcess.builder(argv).processGroup().descriptor(0, conn[1]).descriptor(1, out[1])
                        .descriptor(2, out[1]).start();
                training = child;
            }
            // A server that exits meanwhile takes the training run with it: no orphan, no half-written file.
            ChildProcess run = child;
            cleanup = new Thread(() -> {
                try {
                    run.signalGroup(ChildProcess.SIGKILL);
                    run.waitFor(Duration.ofSeconds(2));
                    deletePartial(partial);
                } catch (IOException | InterruptedException e) {
                    // exiting anyway
                }
            }, "jsock-aot-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
        } finally {
            conn[1].close();
            out[1].close();
        }
        try (Socket c = conn[0]; Socket o = out[0]) {
            Thread drain = Thread.ofVirtual().start(() -> drain(o));
            c.setTimeout(Duration.ofSeconds(60));
            c.writeFully("jsock AOT training run\r\n".getBytes(StandardCharsets.US_ASCII));
            c.shutdown(Shutdown.WRITE);
            ByteBuffer b = ByteBuffer.allocate(4096);
            for (int total = 0; total < 65536; ) { // bounded: a chargen-like handler never stops
                int n = c.read(b.clear());
                if (n < 0) break;
                total += n;
            }
            c.close();
            ExitStatus st = child.waitFor(Duration.ofMinutes(3));
            if (st == null) return false; // hung: the finally below ends its group
            // The JVM it started at its exit to assemble the cache writes the file: complete only once it is gone too.
            if (!Children.awaitGroups(List.of(child), System.nanoTime() + Duration.ofMinutes(3).toNanos())) return false;
            drain.join(Duration.ofSeconds(5));
            synchronized (this) {
                if (stopped) return false; // ended by the stop, perhaps half-way through the file
            }
            if (!Files.isRegularFile(partial)) return false;
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            try (var old = Files.newDirectoryStream(file.getParent(), "child-*.aot")) {
                for (Path p : old) if (!p.equals(file)) Files.deleteIfExists(p); // made for a jar that is gone
            }
            LOG.log(Level.DEBUG, "AOT cache for child JVMs written: " + file);
            return true;
        } finally {
            if (child.groupAlive()) { // stopped (its socket reset under the read) or failed: it goes with us, reaped
                try {
                    child.signalGroup(ChildProcess.SIGKILL);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "AOT cache training child not killed: " + e.getMessage());
                }
                child.waitFor(Duration.ofSeconds(5));
                Children.awaitGroups(List.of(child), System.nanoTime() + Duration.ofSeconds(5).toNanos());
            }
            synchronized (this) {
                training = null;
            }
            deletePartial(partial);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException exiting) {
                // the hook is running: it cleans up
            }
        }
    }

    /** The partial cache and the JVM's temporary AOT configuration next to it. */
    private static void deletePartial(Path partial) throws IOException {
        Files.deleteIfExists(partial);
        Files.deleteIfExists(partial.resolveSibling(partial.getFileName() + ".config"));
    }

    private static void drain(Socket s) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        try {
            while (s.read(b.clear()) > 0) {
                // the JVM's own lines about the cache: nothing we need
            }
        } catch (IOException ignored) {
            // closed under us at the end: done
        }
    }

    /**
     * The user's cache directory for jsock, made private if new: {@code $XDG_CACHE_HOME/jsock}, else
     * {@code ~/.cache/jsock} (the XDG Base Directory default); the temporary directory only without a home.
     */
    static Path cacheRoot() throws IOException {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base;
        if (xdg != null && Path.of(xdg).isAbsolute()) base = Path.of(xdg); // a relative one is to be ignored (the spec)
        else if (!System.getProperty("user.home", "?").equals("?")) base = Path.of(System.getProperty("user.home"), ".cache");
        else return Path.of(System.getProperty("java.io.tmpdir"));
        Path root = base.resolve("jsock");
        if (!Files.isDirectory(root)) {
            Files.createDirectories(base);
            try {
                Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another server made it
            }
        }
        return root;
    }

    /** The cache file for this JVM and its class and module path, in a directory only this user can write; null if off or impossible. */
    private static Path locate() {
        if ("off".equals(System.getProperty("jsock.aot"))) return null;
        try {
            // The directory is per java, class path and child flags; the file per jar contents (size,
            // mtime), so a rebuilt jar gets a new cache, and the training that makes it removes the old one.
            MessageDigest where = MessageDigest.getInstance("SHA-256");
            MessageDigest what = MessageDigest.getInstance("SHA-256");
            where.update((String.join("\0", ChildJvm.flags()) + "\0" + System.getProperty("java.vm.version", ""))
                    .getBytes(StandardCharsets.UTF_8));
            for (String entry : ChildJvm.codeEntries()) {
                Path p = Path.of(entry);
                if (!Files.isRegularFile(p)) return null; // a directory: the JVM caches classes from jars only
                what.update(("\0" + Files.size(p) + "\0" + Files.getLastModifiedTime(p).toMillis())
                        .getBytes(StandardCharsets.UTF_8));
            }
            String hash = HexFormat.of().formatHex(where.digest(), 0, 8);
            Path dir = cacheRoot().resolve("aot-" + hash);
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another server made it: check it below like any other
                }
            }
            // Another user's directory could hold a cache we must not trust.
            if (!Files.getOwner(dir).getName().equals(System.getProperty("user.name"))) return null;
            if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)).equals("rwx------")) return null;
            return dir.resolve("child-" + HexFormat.of().formatHex(what.digest(), 0, 8) + ".aot");
        } catch (IOException | NoSuchAlgorithmException | UnsupportedOperationException e) {
            return null;
        }
    }
}
