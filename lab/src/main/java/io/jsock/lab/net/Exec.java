package io.jsock.lab.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a program from an argv list (never through a shell), with a time limit; the child is always
 * reaped, and killed when the limit passes.
 */
public final class Exec {
    private Exec() {}

    /**
     * What a finished program left: its exit status and everything it wrote.
     *
     * @param argv the program and its arguments, as run; never null
     * @param exit its exit status
     * @param out  its standard output, decoded as UTF-8; never null (empty when it wrote nothing)
     * @param err  its standard error, decoded as UTF-8; never null
     */
    public record Result(List<String> argv, int exit, String out, String err) {
        /**
         * Whether the program succeeded.
         *
         * @return true when its exit status was 0
         */
        public boolean ok() {
            return exit == 0;
        }

        /**
         * This result, if the program succeeded.
         *
         * @return this, when the exit status was 0
         * @throws IOException otherwise, with the command, its exit status and its first line of stderr
         */
        public Result check() throws IOException {
            if (exit == 0) return this;
            String why = err.strip().lines().findFirst().orElse(out.strip().lines().findFirst().orElse(""));
            throw new IOException(String.join(" ", argv) + ": exit " + exit + (why.isEmpty() ? "" : ": " + why));
        }
    }

    /**
     * Runs {@code argv} to its end or until {@code limit} passes, with standard input from {@code /dev/null}.
     *
     * @param limit how long it may run; never null
     * @param argv  the program and its arguments (no shell); never null or empty
     * @return its exit status and output, whatever the status (see {@link Result#check()})
     * @throws IOException when it cannot be started, or when it is still running after {@code limit}
     *         (it is then killed and reaped); an {@link InterruptedIOException} when this thread is interrupted
     */
    public static Result run(Duration limit, List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(devNull())).start();
        boolean finished = false;
        try {
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(String.join(" ", argv) + ": still running after " + limit.toMillis() + " ms; killed");
            }
            finished = true;
            return new Result(List.copyOf(argv), p.exitValue(), get(out), get(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running " + String.join(" ", argv));
        } finally {
            if (!finished) kill(p);
        }
    }

    /**
     * Kills {@code p} (and its descendants) with SIGKILL and reaps it. Safe to call more than once.
     *
     * @param p the process; never null
     */
    public static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        boolean interrupted = false;
        while (true) {
            try {
                p.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * Finds a program on the PATH or in the system directories root's tools live in.
     *
     * @param name the program's name, e.g. {@code ip}; never null
     * @return its path, or {@code null} when there is none
     */
    public static Path which(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static java.io.File devNull() {
        return new java.io.File("/dev/null");
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().name("jsock-exec-drain").start(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("");
            }
        });
        return f;
    }

    private static String get(CompletableFuture<String> f) throws InterruptedException {
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "";
        }
    }
}
