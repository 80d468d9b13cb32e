package io.jsock.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code --syscalls}: the system calls a server makes, counted by {@code perf stat -e 'syscalls:sys_enter_NAME,...'}
 * for the {@link #CALLS} a server's work can take
 * attached to its pid (every thread, and children it starts), switched on and off through perf's control
 * FIFOs around the measured window. perf takes some tens of milliseconds to act on a command (it enables
 * each event on each thread in turn), so the generator opens its window just before it asks for counting
 * and closes it just before it asks to stop: the two delays, alike, cancel.
 */
final class SyscallCounter implements AutoCloseable, LoadGenerator.Window {
    /**
     * The calls watched: those a server's path through an echo, a connection or a wait can take. Not
     * {@code sys_enter_*} (all 360 of them): perf opens one counter per event per thread, and closing
     * 360 x the threads of a JVM took it 15 s (more on a loaded machine) at every cell's end.
     */
    static final List<String> CALLS = List.of(
            "read", "write", "readv", "writev", "pread64", "pwrite64", "recvfrom", "sendto", "recvmsg", "sendmsg",
            "recvmmsg", "sendmmsg", "sendfile64", "splice", "epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl",
            "poll", "ppoll", "select", "pselect6", "futex", "io_uring_enter", "accept", "accept4", "connect", "close",
            "close_range", "shutdown", "socket", "setsockopt", "getsockopt", "getsockname", "getpeername", "fcntl",
            "ioctl", "sched_yield", "nanosleep", "clock_nanosleep", "mmap", "munmap", "madvise", "mprotect",
            "rt_sigprocmask", "rt_sigreturn", "clone", "clone3", "execve", "wait4", "waitid", "pidfd_open",
            "pidfd_send_signal", "pipe2", "dup", "dup2", "dup3", "openat", "exit", "exit_group", "kill", "tgkill",
            "eventfd2", "getrusage", "gettid");
    /** How the report names what it watched. */
    static final String EVENTS = "syscalls:sys_enter_{" + CALLS.size() + " calls}";
    private static final java.time.Duration ACK = java.time.Duration.ofSeconds(20);

    private final Process perf;
    private final Path dir, output;
    private final FileChannel ctl, ack;

    private SyscallCounter(Process perf, Path dir, Path output, FileChannel ctl, FileChannel ack) {
        this.perf = perf;
        this.dir = dir;
        this.output = output;
        this.ctl = ctl;
        this.ack = ack;
    }

    /** Why perf cannot count here (one line), or null when it can. */
    static String missing() {
        if (Tools.onPath("perf") == null) return "--syscalls needs perf: apt-get install linux-perf";
        if (!Files.isDirectory(Path.of("/sys/kernel/tracing/events/syscalls")) && !Files.isDirectory(Path.of("/sys/kernel/debug/tracing/events/syscalls"))) {
            return "--syscalls needs the syscalls tracepoints (tracefs at /sys/kernel/tracing; as root)";
        }
        return null;
    }

    /** Attaches perf to {@code pid}, counting off. */
    static SyscallCounter attach(long pid) throws IOException {
        Path dir = Files.createTempDirectory("jsock-perf");
        Path ctlPath = dir.resolve("ctl"), ackPath = dir.resolve("ack"), out = dir.resolve("stat.csv");
        for (Path f : List.of(ctlPath, ackPath)) {
            Process mk = new ProcessBuilder("mkfifo", f.toString()).redirectErrorStream(true).start();
            try {
                if (!mk.waitFor(10, TimeUnit.SECONDS) || mk.exitValue() != 0) throw new IOException("mkfifo " + f + " failed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        // Read and write: opening a FIFO so never blocks (Linux), whether or not perf has opened its end yet.
        FileChannel ctl = FileChannel.open(ctlPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel ack = FileChannel.open(ackPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Process perf = new ProcessBuilder("perf", "stat", "-x", ",", "--delay=-1", "--control",
                "fifo:" + ctlPath + "," + ackPath, "-e", events(), "-p", pids(pid), "-o", out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("perf.log").toFile()).start();
        SyscallCounter counter = new SyscallCounter(perf, dir, out, ctl, ack);
        try {
            // Attached to a running process, perf counts from the start whatever --delay says: switch it off (its
            // acknowledgement also says perf is set up).
            counter.end();
        } catch (IOException e) {
            try {
                counter.close();
            } catch (InterruptedException i) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
        return counter;
    }

    /**
     * The server and the processes it has started (prefork's workers): perf's -p takes a list. Children
     * started later (a process per connection) are counted through perf's inheritance.
     */
    static String pids(long pid) {
        StringBuilder b = new StringBuilder(Long.toString(pid));
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> b.append(',').append(d.pid())));
        return b.toString();
    }

    /** The -e list: the watched calls this kernel has a tracepoint for. */
    static String events() {
        Path root = Files.isDirectory(Path.of("/sys/kernel/tracing/events/syscalls")) ? Path.of("/sys/kernel/tracing/events/syscalls")
                : Path.of("/sys/kernel/debug/tracing/events/syscalls");
        StringBuilder b = new StringBuilder();
        for (String c : CALLS) {
            if (Files.isDirectory(root.resolve("sys_enter_" + c))) b.append(b.isEmpty() ? "" : ",").append("syscalls:sys_enter_").append(c);
        }
        return b.toString();
    }

    /** Starts counting; returns once perf acknowledged. */
    @Override
    public void begin() throws IOException {
        command("enable");
    }

    /** Stops counting; returns once perf acknowledged. */
    @Override
    public void end() throws IOException {
        command("disable");
    }

    private void command(String c) throws IOException {
        ctl.write(ByteBuffer.wrap((c + "\n").getBytes(StandardCharsets.US_ASCII)));
        CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> {
            ByteBuffer b = ByteBuffer.allocate(16);
            try {
                while (b.position() < 4) if (ack.read(b) < 0) break;
            } catch (IOException e) {
                return "";
            }
            return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
        }, Thread::startVirtualThread);
        try {
            String r = reply.get(ACK.toSeconds(), TimeUnit.SECONDS);
            if (!r.startsWith("ack")) throw new IOException("perf stat did not acknowledge '" + c + "'" + perfLog());
        } catch (TimeoutException e) {
            throw new IOException("perf stat did not acknowledge '" + c + "' within " + ACK.toSeconds() + " s" + perfLog());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            throw new IOException("perf stat: " + e.getCause().getMessage());
        }
    }

    /**
     * Ends perf (SIGINT, as ^C: it then writes its counts) and returns them: the system call's name
     * (without {@code syscalls:sys_enter_}) and how many times it was entered, those above zero, most first.
     */
    Map<String, Long> counts() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(perf.pid())).start();
        kill.waitFor(10, TimeUnit.SECONDS);
        if (!perf.waitFor(120, TimeUnit.SECONDS)) throw new IOException("perf stat did not end within 120 s after SIGINT");
        if (!Files.exists(output)) throw new IOException("perf stat wrote no counts" + perfLog());
        return parse(Files.readAllLines(output));
    }

    /** Parses perf stat's CSV ({@code -x ,}): {@code COUNT,UNIT,EVENT,...}; comments and "not counted" lines are left out. */
    static Map<String, Long> parse(List<String> lines) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.split(",", -1);
            if (line.startsWith("#") || f.length < 3 || !f[2].startsWith("syscalls:sys_enter_")) continue;
            long n;
            try {
                n = Long.parseLong(f[0].strip());
            } catch (NumberFormatException notCounted) {
                continue;
            }
            if (n > 0) out.merge(f[2].substring("syscalls:sys_enter_".length()), n, Long::sum);
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        out.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** One line: the calls per operation, most first, those of at least 0.01 per op. */
    static String perOp(Map<String, Long> counts, long ops) {
        if (ops <= 0) return "no operations";
        StringBuilder b = new StringBuilder();
        long total = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            total += e.getValue();
            double per = (double) e.getValue() / ops;
            if (per >= 0.01) b.append(String.format(Locale.ROOT, "%s %.2f  ", e.getKey(), per));
        }
        return String.format(Locale.ROOT, "total %.2f:  ", (double) total / ops) + b.toString().strip();
    }

    /** The table --syscalls prints: one line per measured cell that has counts. */
    static void table(List<SideBySide.Cell> cells, java.io.PrintStream out) {
        if (cells.stream().noneMatch(c -> c.syscalls() != null)) return;
        out.println();
        out.println("system calls per operation (perf stat -e '" + EVENTS + "' on the server's pid, over the measured window):");
        for (SideBySide.Cell c : cells) {
            if (c.syscalls() == null) continue;
            out.printf(Locale.ROOT, "  %-14s c=%-5d pass %d  %s%n", c.server(), c.connections(), c.pass(), perOp(c.syscalls(), c.result().ops()));
        }
    }

    private String perfLog() {
        try {
            String log = Files.readString(dir.resolve("perf.log")).strip();
            return log.isEmpty() ? "" : ": " + log.lines().findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    /** Ends perf if still running and removes its files. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (perf.isAlive()) {
            perf.destroy();
            if (!perf.waitFor(10, TimeUnit.SECONDS)) perf.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        ctl.close();
        ack.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
    }
}
