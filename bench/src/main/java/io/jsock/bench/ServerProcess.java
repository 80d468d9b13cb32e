package io.jsock.bench;

import io.jsock.socket.SockAddr;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server under test, running as a child process: started, found listening (its
 * {@code listening on ADDR:PORT} line, or a connect to the port it was given), and stopped with
 * SIGTERM then SIGKILL, its whole tree reaped. Its standard error is drained by a thread, the last
 * lines kept for messages.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+)");

    private final Process process;
    private final SockAddr address;
    /** The last lines of its stderr: written by the drain thread, read under the deque's lock. */
    private final Deque<String> lastLines;

    private ServerProcess(Process process, SockAddr address, Deque<String> lastLines) {
        this.process = process;
        this.address = address;
        this.lastLines = lastLines;
    }

    /** Starts {@code command} and waits (up to {@code timeout}) until it listens. */
    static ServerProcess start(ServerSpec spec, List<String> command, Duration timeout) throws IOException, InterruptedException {
        return start(spec, command, java.util.Map.of(), timeout);
    }

    /** As {@link #start(ServerSpec, List, Duration)}, with {@code env} added to the inherited environment. */
    static ServerProcess start(ServerSpec spec, List<String> command, java.util.Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close(); // stdin: empty, so nothing ever waits on the terminal
        boolean success = false;
        try {
            CompletableFuture<SockAddr> listening = new CompletableFuture<>();
            Deque<String> lines = new ArrayDeque<>();
            Thread.ofPlatform().name("server-stderr-" + spec.name()).daemon().start(() -> drain(p, lines, listening));
            SockAddr at;
            if (spec.printsPort()) {
                at = await(p, listening, timeout, lines, spec);
            } else {
                int port = Integer.parseInt(command.get(command.size() - 2));
                at = SockAddr.parse("127.0.0.1:" + port);
                awaitConnectable(p, port, timeout, lines, spec);
            }
            success = true;
            return new ServerProcess(p, at, lines);
        } finally {
            if (!success) stop(p);
        }
    }

    private static void drain(Process p, Deque<String> lines, CompletableFuture<SockAddr> listening) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (lines) {
                    lines.addLast(line);
                    // Keep the first line (it usually names the problem) and the last ones.
                    if (lines.size() > 20) {
                        String first = lines.removeFirst();
                        lines.removeFirst();
                        lines.addFirst(first);
                    }
                }
                Matcher m = LISTENING.matcher(line);
                if (!listening.isDone() && m.find()) listening.complete(SockAddr.parse(m.group(1) + ":" + m.group(2)));
            }
        } catch (IOException | RuntimeException e) {
            // the server's stderr closed: it ended
        } finally {
            listening.completeExceptionally(new IOException("ended without saying 'listening on'"));
        }
    }

    private static SockAddr await(Process p, CompletableFuture<SockAddr> listening, Duration timeout, Deque<String> lines,
                                  ServerSpec spec) throws IOException, InterruptedException {
        try {
            return listening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException(spec.name() + " did not say 'listening on' within " + timeout.toSeconds() + " s" + tail(lines));
        } catch (java.util.concurrent.ExecutionException e) {
            p.waitFor(2, TimeUnit.SECONDS);
            String code = p.isAlive() ? "" : " (exit " + p.exitValue() + ")";
            throw new IOException(spec.name() + " " + e.getCause().getMessage() + code + tail(lines));
        }
    }

    private static void awaitConnectable(Process p, int port, Duration timeout, Deque<String> lines, ServerSpec spec)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IOException(spec.name() + " exited with code " + p.exitValue() + tail(lines));
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IOException(spec.name() + " did not accept connections on port " + port + " within " + timeout.toSeconds() + " s");
    }

    /** The first line of its stderr and, when different, the last: what a skip message shows. */
    private static String tail(Deque<String> lines) {
        synchronized (lines) {
            if (lines.isEmpty()) return "";
            String first = lines.peekFirst().strip(), last = lines.peekLast().strip();
            return ": " + first + (lines.size() > 1 && !last.isEmpty() && !last.equals(first) ? " ... " + last : "");
        }
    }

    SockAddr address() {
        return address;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Why it is no longer running (its exit code and last stderr line), for a skip message. */
    String exitReason() {
        return "exited with code " + (process.isAlive() ? "(running)" : process.exitValue()) + tail(lastLines);
    }

    /** SIGTERM, up to 10 s for a graceful end, then SIGKILL for it and anything it left. Safe to call more than once. */
    @Override
    public void close() throws InterruptedException {
        stop(process);
    }

    private static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> tree = p.descendants().toList();
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        for (ProcessHandle h : tree) {
            if (h.isAlive() && !h.onExit().isDone()) {
                h.destroyForcibly();
            }
        }
    }
}
