package io.jsock.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a server and every process below it use, read from /proc (proc(5)): CPU time as UNP
 * chapter 30 measures it (user + system of the process and its children), resident memory and
 * open descriptors. Processes that ended and were reaped are counted through their parent's
 * {@code cutime}/{@code cstime}; the memory and descriptors are those of the live tree.
 */
final class ProcessTree {
    /** USER_HZ: the unit of the times in /proc/PID/stat; 100 on every Linux architecture jsock runs on. */
    static final long TICKS_PER_SECOND = 100;

    /** One look at a process tree. {@code cpuNanos}: user+system of the tree, including reaped children. */
    record Usage(long cpuNanos, long rssBytes, int descriptors, int processes) {}

    /**
     * The CPU time of a tree split in two: {@code parentNanos}, the root process's own threads
     * (utime+stime: a server's accept loop, its spawning and reaping), and {@code childrenNanos},
     * everything below it (the root's cutime+cstime for the children it reaped, plus every live
     * descendant's own and reaped time).
     */
    record Cpu(long parentNanos, long childrenNanos) {
        long totalNanos() {
            return parentNanos + childrenNanos;
        }
    }

    /** The fields of /proc/PID/stat that matter here. */
    record Stat(int pid, int ppid, long utime, long stime, long cutime, long cstime, long rssPages) {
        long ticks() {
            return utime + stime + cutime + cstime;
        }
    }

    private final Path proc;
    private final long pageSize;

    ProcessTree() {
        this(Path.of("/proc"), 4096);
    }

    ProcessTree(Path proc, long pageSize) {
        this.proc = proc;
        this.pageSize = pageSize;
    }

    /**
     * Parses one /proc/PID/stat line. The command name (field 2) is in parentheses and may itself
     * hold spaces and parentheses, so the fields are counted from the last ')'.
     */
    static Stat parseStat(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) throw new IllegalArgumentException("not a /proc/PID/stat line: " + line);
        int pid = Integer.parseInt(line.substring(0, open).trim());
        String[] f = line.substring(close + 2).trim().split(" +");
        // f[0] is field 3 (state); field n is f[n - 3].
        return new Stat(pid, Integer.parseInt(f[1]),
                Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14]),
                Long.parseLong(f[21]));
    }

    /** The tree rooted at {@code root} (root first), or an empty list when it is gone. */
    List<Stat> tree(long root) throws IOException {
        Map<Integer, List<Stat>> children = new HashMap<>();
        Stat top = null;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(proc)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                Stat s = read(p.resolve("stat"));
                if (s == null) continue; // ended while we looked
                if (s.pid() == root) top = s;
                children.computeIfAbsent(s.ppid(), k -> new ArrayList<>()).add(s);
            }
        }
        List<Stat> out = new ArrayList<>();
        if (top == null) return out;
        out.add(top);
        for (int i = 0; i < out.size(); i++) out.addAll(children.getOrDefault(out.get(i).pid(), List.of()));
        return out;
    }

    private static Stat read(Path stat) {
        try {
            return parseStat(Files.readString(stat));
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    /** CPU, memory and descriptors of the tree rooted at {@code root}. */
    Usage usage(long root) throws IOException {
        long ticks = 0, rss = 0;
        int fds = 0;
        List<Stat> all = tree(root);
        for (Stat s : all) {
            ticks += s.ticks();
            rss += s.rssPages() * pageSize;
            fds += descriptors(s.pid());
        }
        return new Usage(ticks * (1_000_000_000L / TICKS_PER_SECOND), rss, fds, all.size());
    }

    /** CPU time of the tree only (cheaper: no descriptor count). */
    long cpuNanos(long root) throws IOException {
        return cpu(root).totalNanos();
    }

    /** CPU time of the tree, parent and children apart; zero when it is gone. */
    Cpu cpu(long root) throws IOException {
        return split(tree(root));
    }

    /**
     * Splits a tree's CPU time ({@link #tree}'s list: root first). A child's time counts once: while
     * it lives, from its own stat; once its parent reaped it, in the parent's cutime+cstime. (A
     * process whose parent died is adopted outside the tree, and its time leaves the tree with it.)
     */
    static Cpu split(List<Stat> tree) {
        if (tree.isEmpty()) return new Cpu(0, 0);
        Stat root = tree.get(0);
        long children = root.cutime() + root.cstime();
        for (int i = 1; i < tree.size(); i++) children += tree.get(i).ticks();
        long nanosPerTick = 1_000_000_000L / TICKS_PER_SECOND;
        return new Cpu((root.utime() + root.stime()) * nanosPerTick, children * nanosPerTick);
    }

    /** User+system time of process {@code pid} alone: its threads, not its children. */
    long ownCpuNanos(long pid) throws IOException {
        Stat s = parseStat(Files.readString(proc.resolve(Long.toString(pid)).resolve("stat")));
        return (s.utime() + s.stime()) * (1_000_000_000L / TICKS_PER_SECOND);
    }

    private int descriptors(int pid) {
        String[] names = proc.resolve(Integer.toString(pid)).resolve("fd").toFile().list();
        return names == null ? 0 : names.length;
    }
}
