package io.jsock.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Descriptor limits for runs with many connections: the bench raises RLIMIT_NOFILE (soft and hard,
 * with util-linux's prlimit) for itself, the generator, and runs each server it starts under
 * {@code prlimit --nofile=N:N}. Above the hard limit this needs root (CAP_SYS_RESOURCE); without it
 * the limits stay and a cell that needs more says so in one line.
 */
final class Limits {
    private Limits() {}

    /** Descriptors a run with at most {@code connections} connections wants per process: one per connection and room for the JVM and the rest. */
    static long wanted(int connections) {
        return connections + 4096L;
    }

    /**
     * Raises process {@code pid}'s RLIMIT_NOFILE to {@code want} (never lowers it); when that is above the
     * hard limit and not permitted (no CAP_SYS_RESOURCE), at least the soft limit up to the hard one.
     * Returns its soft limit after.
     */
    static long raise(long pid, long want) throws InterruptedException {
        long now = LoadGenerator.openFileLimit(pid);
        if (now >= want || Tools.onPath("prlimit") == null) return now;
        if (prlimit(pid, want + ":" + want)) return LoadGenerator.openFileLimit(pid);
        long hard = hardLimit(pid);
        if (hard > now) prlimit(pid, hard + ":" + hard);
        return LoadGenerator.openFileLimit(pid);
    }

    private static boolean prlimit(long pid, String limits) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + limits)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The hard "Max open files" of a process; -1 when unknown. */
    static long hardLimit(long pid) {
        return nofile(pid, 1);
    }

    /** Field {@code field} (0 soft, 1 hard) of the "Max open files" line of /proc/PID/limits; -1 when unknown. */
    static long nofile(long pid, int field) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/limits"))) {
                if (line.startsWith("Max open files")) {
                    String v = line.substring("Max open files".length()).trim().split(" +")[field];
                    return v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown: let connect's EMFILE say it
        }
        return -1;
    }

    /** {@code command} run with RLIMIT_NOFILE {@code want} (prlimit --nofile=want:want COMMAND). */
    static List<String> prefix(List<String> command, long want) {
        List<String> out = new ArrayList<>(List.of("prlimit", "--nofile=" + want + ":" + want));
        out.addAll(command);
        return out;
    }
}
