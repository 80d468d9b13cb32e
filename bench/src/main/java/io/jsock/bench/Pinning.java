package io.jsock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * {@code --pin}: the server and the load generator on separate CPUs, with taskset(1) -- the server's
 * command run under {@code taskset -c SERVER}, the generator (this JVM, every thread) moved with
 * {@code taskset -a -p -c GENERATOR PID} -- so that they do not take turns on one core.
 *
 * @param server    the server's CPUs, in taskset's list form (e.g. {@code 0} or {@code 0-1,4})
 * @param generator the generator's CPUs, same form
 */
record Pinning(String server, String generator) {
    /**
     * Parses {@code SERVER:GENERATOR} (taskset lists, e.g. {@code 0:1} or {@code 0-1:2-3}), or {@code auto}:
     * the first half of {@code allowed} for the server, the rest for the generator.
     */
    static Pinning parse(String spec, List<Integer> allowed) {
        if (spec.equals("auto")) {
            if (allowed.size() < 2) throw new IllegalArgumentException("--pin needs at least 2 CPUs; this process may use " + allowed);
            int half = allowed.size() / 2;
            return new Pinning(list(allowed.subList(0, half)), list(allowed.subList(half, allowed.size())));
        }
        String[] p = spec.split(":", -1);
        if (p.length != 2) throw new IllegalArgumentException("--pin '" + spec + "' is not SERVER_CPUS:GENERATOR_CPUS (e.g. 0:1, 0-1:2-3) or auto");
        TreeSet<Integer> s = cpus(p[0], spec), g = cpus(p[1], spec);
        for (int c : s) {
            if (g.contains(c)) throw new IllegalArgumentException("--pin '" + spec + "': CPU " + c + " is on both sides");
        }
        for (int c : concat(s, g)) {
            if (!allowed.contains(c)) throw new IllegalArgumentException("--pin '" + spec + "': CPU " + c + " is not one of this process's " + allowed);
        }
        return new Pinning(p[0], p[1]);
    }

    /** How many CPUs the generator has: its default thread count. */
    int generatorCpus() {
        return cpus(generator, generator).size();
    }

    /** {@code command} run under {@code taskset -c SERVER}. */
    List<String> prefix(List<String> command) {
        List<String> out = new ArrayList<>(List.of("taskset", "-c", server));
        out.addAll(command);
        return out;
    }

    /** Moves every thread of process {@code pid} onto {@code cpus} (taskset -a -p -c). */
    static void pin(long pid, String cpus) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
        if (p.exitValue() != 0) throw new IOException("taskset -a -p -c " + cpus + " " + pid + ": " + log.lines().reduce((a, b) -> b).orElse(""));
    }

    /** The line the report prints. */
    String describe() {
        return "pinned (taskset): server on CPU " + server + ", generator on CPU " + generator;
    }

    /** The CPUs process {@code pid} may run on (its Cpus_allowed_list). */
    static List<Integer> allowed(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Cpus_allowed_list:")) {
                String v = line.substring(line.indexOf(':') + 1).strip();
                return List.copyOf(cpus(v, v));
            }
        }
        throw new IOException("/proc/" + pid + "/status has no Cpus_allowed_list");
    }

    /** A taskset list ("0-2,5") as a set of CPU numbers. */
    static TreeSet<Integer> cpus(String list, String spec) {
        TreeSet<Integer> out = new TreeSet<>();
        try {
            for (String part : list.split(",")) {
                String[] r = part.strip().split("-");
                if (r.length > 2) throw new NumberFormatException(part);
                int lo = Integer.parseInt(r[0].strip()), hi = r.length == 2 ? Integer.parseInt(r[1].strip()) : lo;
                if (lo < 0 || hi < lo) throw new NumberFormatException(part);
                for (int c = lo; c <= hi; c++) out.add(c);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--pin '" + spec + "': '" + list + "' is not a CPU list (e.g. 0, 0-1, 0,2)");
        }
        return out;
    }

    private static String list(List<Integer> cpus) {
        StringBuilder b = new StringBuilder();
        for (int c : cpus) b.append(b.isEmpty() ? "" : ",").append(c);
        return b.toString();
    }

    private static TreeSet<Integer> concat(TreeSet<Integer> a, TreeSet<Integer> b) {
        TreeSet<Integer> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }
}
