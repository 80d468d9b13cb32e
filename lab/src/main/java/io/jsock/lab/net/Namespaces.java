package io.jsock.lab.net;

import io.jsock.socket.NetNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Named network namespaces through iproute2 ({@code ip netns add/del}): whether they work here,
 * making and deleting them, and sweeping up the ones a killed run left.
 */
final class Namespaces {
    private Namespaces() {}

    /** How long one {@code ip} call may take before it is killed. */
    static final Duration IP_LIMIT = Duration.ofSeconds(15);

    /** The names {@link TestNetwork} gives: role (client, router, server), pid, instance. */
    private static final Pattern OURS = Pattern.compile("jsock-[crs]-(\\d+)-(\\d+)");
    private static final AtomicInteger PROBES = new AtomicInteger();
    private static volatile String unavailable; // cached answer of unavailableReason(); "" = available

    /** The {@code ip} program, or {@code null} when iproute2 is not installed. */
    static String ip() {
        Path p = Exec.which("ip");
        return p == null ? null : p.toString();
    }

    /** See {@link TestNetwork#unavailableReason()}. */
    static String unavailableReason() {
        String u = unavailable;
        if (u == null) {
            u = probe();
            unavailable = u;
        }
        return u.isEmpty() ? null : u;
    }

    private static String probe() {
        if (!isRoot()) return "network namespaces need root (this process's uid is not 0)";
        String ip = ip();
        if (ip == null) return "iproute2's `ip` is not installed (apt-get install iproute2)";
        String name = "jsock-p-" + ProcessHandle.current().pid() + "-" + PROBES.incrementAndGet();
        try {
            Exec.Result add = Exec.run(IP_LIMIT, List.of(ip, "netns", "add", name));
            if (!add.ok()) return "`ip netns add` fails here: " + add.err().strip();
            Exec.run(IP_LIMIT, List.of(ip, "netns", "del", name));
            return "";
        } catch (IOException e) {
            return "`ip netns add` cannot run: " + e.getMessage();
        }
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0"); // effective uid
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** {@code ip netns add NAME}; a failure is an IOException with ip's message. */
    static void add(String ip, String name) throws IOException {
        Exec.run(IP_LIMIT, List.of(ip, "netns", "add", name)).check();
    }

    /** {@code ip netns del NAME}; a failure is reported on standard error, not thrown (this runs while cleaning up). */
    static void deleteQuietly(String ip, String name) {
        try {
            Exec.run(IP_LIMIT, List.of(ip, "netns", "del", name));
        } catch (IOException e) {
            System.err.println("jsock: could not delete network namespace " + name + ": " + e.getMessage());
        }
    }

    /**
     * Deletes namespaces named as {@link TestNetwork} names them whose process is gone (a run killed
     * with SIGKILL cannot clean up). A live pid's namespaces are never touched.
     */
    static void sweepStale(String ip) {
        Path dir = Path.of(NetNamespace.RUN_DIR);
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                Matcher m = OURS.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                long pid = Long.parseLong(m.group(1));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
                deleteQuietly(ip, m.group());
            }
        } catch (IOException | UncheckedIOException e) {
            // Sweeping is a courtesy; a fresh network does not depend on it.
        }
    }
}
