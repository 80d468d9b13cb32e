package io.jsock.socket.process;

import io.jsock.socket.internal.Libc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What does not change from one spawn of a command to the next, in native memory once: the file to
 * execve, argv as a {@code char *[]} (behind the parent-death helper's own arguments when the child
 * must die with us), and each variable of the base environment as a {@code NAME=value} string.
 * posix_spawn only reads them: copies of a {@link ChildProcess.Builder} share one across threads.
 * The memory goes when the last builder holding it is unreachable.
 */
final class Prepared {
    /** What one spawn writes and reads besides what is prepared: its envp and the pid posix_spawn returns. */
    record Call(MemorySegment envp, MemorySegment pid) {}

    /** Where the helper's REG argument is in its argv: {@code helper PPID REG PATH ARGV0 ...}. */
    private static final int REG = 2;

    final MemorySegment file;     // the path (or, with search, the name) posix_spawn runs
    final boolean search;         // posix_spawnp: argv[0] is searched for in PATH by the child
    final MemorySegment argv;     // NULL-terminated char *[]; through the helper, with REG "-" (no guardian)
    final boolean helper;         // argv runs the parent-death helper first
    final String[] envNames;      // the base environment's names ...
    final MemorySegment[] envStrings; // ... and their NAME=value strings
    private final int argc;
    private final Arena arena;    // holds all of the above: alive as long as this is reachable
    // argv with REG set to a descriptor number, by number: a server's children all take the same one
    private final Map<Integer, MemorySegment> registering = new ConcurrentHashMap<>();

    private Prepared(Arena arena, MemorySegment file, boolean search, MemorySegment argv, int argc, boolean helper,
                     String[] envNames, MemorySegment[] envStrings) {
        this.arena = arena;
        this.file = file;
        this.search = search;
        this.argv = argv;
        this.argc = argc;
        this.helper = helper;
        this.envNames = envNames;
        this.envStrings = envStrings;
    }

    /**
     * argv for a child that registers with the guardian through its descriptor {@code reg} (the
     * helper's REG argument); {@link #argv} itself when {@code reg} is negative (no guardian).
     */
    MemorySegment argv(int reg) {
        if (reg < 0 || !helper) return argv;
        return registering.computeIfAbsent(reg, r -> {
            MemorySegment copy = arena.allocate(ADDRESS, argc + 1L);
            copy.copyFrom(argv);
            copy.setAtIndex(ADDRESS, REG, arena.allocateFrom(Integer.toString(r)));
            return copy;
        });
    }

    /**
     * Encodes {@code argv} and {@code environment}. With {@code dieWithParent}, argv[0] is located in
     * PATH now (the helper execs a path) and the helper runs first; without, a bare name is searched
     * for by posix_spawnp.
     *
     * @throws IOException the program cannot be found (dieWithParent only), or the helper cannot be installed
     */
    static Prepared of(List<String> argv, Map<String, String> environment, boolean dieWithParent) throws IOException {
        Arena arena = Arena.ofAuto();
        String program = argv.get(0);
        List<String> args = argv;
        MemorySegment file;
        boolean search = false;
        boolean helper = dieWithParent && DeathHelper.supported();
        if (helper) {
            String path = ChildProcess.locate(program).toString();
            args = new ArrayList<>(argv.size() + 4);
            args.add(DeathHelper.path().toString());
            args.add(Integer.toString(Libc.getpid()));
            args.add("-"); // REG: see argv(int)
            args.add(path);
            args.addAll(argv);
            file = arena.allocateFrom(args.get(0));
        } else {
            file = arena.allocateFrom(program);
            search = program.indexOf('/') < 0;
        }
        MemorySegment array = strings(args, arena);
        String[] names = new String[environment.size()];
        MemorySegment[] strings = new MemorySegment[environment.size()];
        int i = 0;
        for (var e : environment.entrySet()) {
            names[i] = e.getKey();
            strings[i++] = arena.allocateFrom(variable(e.getKey(), e.getValue()));
        }
        return new Prepared(arena, file, search, array, args.size(), helper, names, strings);
    }

    /** {@code strings} as a NULL-terminated {@code char *[]} (an argv), all of it from {@code allocator}. */
    static MemorySegment strings(List<String> strings, SegmentAllocator allocator) {
        MemorySegment array = allocator.allocate(ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) array.setAtIndex(ADDRESS, i, allocator.allocateFrom(strings.get(i)));
        array.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
        return array;
    }

    /** {@code NAME=value}; refuses a NUL byte, which would cut it short. */
    static String variable(String name, String value) {
        String s = name + "=" + value;
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("environment holds a NUL byte: " + name);
        return s;
    }

    /**
     * The envp for one spawn: the base environment but for the names in {@code overrides}, then
     * those; with the pid posix_spawn writes, in one allocation of {@code arena} (one malloc per
     * spawn, not one per variable).
     */
    Call call(Arena arena, Map<String, String> overrides) {
        long size = ADDRESS.byteSize() * (envStrings.length + overrides.size() + 1L) + JAVA_INT.byteSize();
        for (var e : overrides.entrySet()) size += 3L * (e.getKey().length() + e.getValue().length()) + 2; // UTF-8: at most 3 bytes a char
        SegmentAllocator slab = SegmentAllocator.slicingAllocator(arena.allocate(size, ADDRESS.byteAlignment()));
        MemorySegment array = slab.allocate(ADDRESS, envStrings.length + overrides.size() + 1L);
        MemorySegment pid = slab.allocate(JAVA_INT);
        int n = 0;
        for (int i = 0; i < envStrings.length; i++) {
            if (overrides.isEmpty() || !overrides.containsKey(envNames[i])) array.setAtIndex(ADDRESS, n++, envStrings[i]);
        }
        for (var e : overrides.entrySet()) array.setAtIndex(ADDRESS, n++, slab.allocateFrom(variable(e.getKey(), e.getValue())));
        array.setAtIndex(ADDRESS, n, MemorySegment.NULL);
        return new Call(array, pid);
    }
}
