package io.jsock.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The C reference server: {@code echo_epoll.c} travels in the bench jar and is compiled with gcc
 * (-O2) into a directory (bench/target next to the jar) the first time it is needed, and again
 * whenever the source changes.
 */
final class CReference {
    static final String SOURCE = "echo_epoll.c";

    private CReference() {}

    /** Whether gcc is on the PATH. */
    static boolean gccAvailable() {
        return Tools.onPath("gcc") != null;
    }

    /** Compiles (if needed) and returns the executable in {@code dir}. */
    static Path build(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path src = dir.resolve(SOURCE);
        Path exe = dir.resolve("echo_epoll");
        byte[] text;
        try (InputStream in = CReference.class.getResourceAsStream("/c/" + SOURCE)) {
            if (in == null) throw new IOException("the bench jar holds no c/" + SOURCE + " (rebuild it with mvn -pl bench -am package)");
            text = in.readAllBytes();
        }
        boolean same = Files.exists(exe) && Files.exists(src) && java.util.Arrays.equals(text, Files.readAllBytes(src));
        if (same) return exe;
        Path tmp = Files.createTempFile(dir, "echo_epoll", ".c");
        Files.write(tmp, text);
        Path out = dir.resolve("echo_epoll.tmp");
        Process gcc = new ProcessBuilder(List.of("gcc", "-O2", "-Wall", "-o", out.toString(), tmp.toString()))
                .redirectErrorStream(true).start();
        String log = new String(gcc.getInputStream().readAllBytes());
        boolean ended = gcc.waitFor(120, TimeUnit.SECONDS);
        if (!ended) gcc.destroyForcibly().waitFor();
        if (!ended || gcc.exitValue() != 0) {
            Files.deleteIfExists(tmp);
            throw new IOException("gcc failed to build " + SOURCE + ": " + log.strip());
        }
        Files.move(out, exe, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, src, StandardCopyOption.REPLACE_EXISTING);
        return exe;
    }
}
