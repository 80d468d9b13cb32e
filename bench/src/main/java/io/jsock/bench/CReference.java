package io.jsock.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A C reference server: its source travels in the bench jar and is compiled with gcc (-O2) into a
 * directory (bench/target next to the jar) the first time it is needed, and again whenever the
 * source changes. {@link #EPOLL}: {@code echo_epoll.c}, the reference ratios are taken against;
 * {@link #URING}: {@code echo_uring.c} on liburing (built only where Debian's liburing-dev put its header).
 *
 * @param server the server's name in tables
 * @param source the C file, under {@code c/} in the jar
 * @param header a header it needs beyond libc (null: none), looked for under /usr/include
 * @param libs   what gcc links it with
 * @param install the package that brings {@code header}
 */
record CReference(String server, String source, String header, List<String> libs, String install) {
    static final CReference EPOLL = new CReference(ServerSpec.C, "echo_epoll.c", null, List.of(), null);
    static final CReference URING = new CReference("c-uring", "echo_uring.c", "liburing.h", List.of("-luring"), "liburing-dev");

    /** Whether gcc is on the PATH. */
    static boolean gccAvailable() {
        return Tools.onPath("gcc") != null;
    }

    /** The one-line reason it cannot be built here (gcc or the header missing), or null. */
    String missing() {
        if (!gccAvailable()) return "needs gcc: apt-get install gcc (or scripts/install-deps.sh)";
        if (header != null && !Files.exists(Path.of("/usr/include", header))) {
            return "needs /usr/include/" + header + ": apt-get install " + install + " (or scripts/install-deps.sh)";
        }
        return null;
    }

    /** Compiles (if needed) and returns the executable in {@code dir}. */
    Path build(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String base = source.substring(0, source.length() - 2);
        Path src = dir.resolve(source);
        Path exe = dir.resolve(base);
        byte[] text;
        try (InputStream in = CReference.class.getResourceAsStream("/c/" + source)) {
            if (in == null) throw new IOException("the bench jar holds no c/" + source + " (rebuild it with mvn -pl bench -am package)");
            text = in.readAllBytes();
        }
        boolean same = Files.exists(exe) && Files.exists(src) && java.util.Arrays.equals(text, Files.readAllBytes(src));
        if (same) return exe;
        Path tmp = Files.createTempFile(dir, base, ".c");
        Files.write(tmp, text);
        Path out = dir.resolve(base + ".tmp");
        List<String> gccArgs = new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-o", out.toString(), tmp.toString()));
        gccArgs.addAll(libs);
        Process gcc = new ProcessBuilder(gccArgs).redirectErrorStream(true).start();
        String log = new String(gcc.getInputStream().readAllBytes());
        boolean ended = gcc.waitFor(120, TimeUnit.SECONDS);
        if (!ended) gcc.destroyForcibly().waitFor();
        if (!ended || gcc.exitValue() != 0) {
            Files.deleteIfExists(tmp);
            throw new IOException("gcc failed to build " + source + ": " + log.strip());
        }
        Files.move(out, exe, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, src, StandardCopyOption.REPLACE_EXISTING);
        return exe;
    }

    /** The reference named {@code server}, or null. */
    static CReference named(String server) {
        return EPOLL.server.equals(server) ? EPOLL : URING.server.equals(server) ? URING : null;
    }
}
