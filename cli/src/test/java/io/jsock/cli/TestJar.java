package io.jsock.cli;

import io.jsock.lab.Lab;
import io.jsock.server.TcpServer;
import io.jsock.socket.Socket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The jsock classes of this build in one jar, for servers the tests start as processes. ./jsock runs
 * a jar, which is opened once; a class path of directories opens a file per class loaded, so a
 * server out of descriptors (EMFILE) would fail to load classes that the real one loads fine.
 * Made once per test JVM in a temporary directory that is removed when it exits.
 */
final class TestJar {
    private TestJar() {}

    private static String classPath;

    /** The class path for {@code java -cp}: the jar of jsock's classes, then picocli's and jackson-jr's jars. */
    static synchronized String classPath() {
        if (classPath != null) return classPath;
        try {
            Path dir = Files.createTempDirectory("jsock-testjar-");
            Path jar = dir.resolve("jsock-classes.jar");
            dir.toFile().deleteOnExit();
            jar.toFile().deleteOnExit();
            Set<Path> parts = new LinkedHashSet<>();
            for (Class<?> c : List.of(Main.class, Lab.class, TcpServer.class, Socket.class)) parts.add(where(c));
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
                Set<String> added = new LinkedHashSet<>();
                for (Path part : parts) {
                    if (!Files.isDirectory(part)) continue; // already a jar: goes on the class path as it is
                    try (Stream<Path> files = Files.walk(part)) {
                        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                            String name = part.relativize(f).toString().replace('\\', '/');
                            if (name.endsWith("module-info.class") || !added.add(name)) continue; // on the class path: no module
                            out.putNextEntry(new JarEntry(name));
                            Files.copy(f, out);
                            out.closeEntry();
                        }
                    }
                }
            }
            // Everything in one world-readable directory, so another user (a test of EACCES) can run it too.
            StringBuilder cp = new StringBuilder(jar.toString());
            List<Path> jars = new java.util.ArrayList<>();
            for (Path part : parts) {
                if (!Files.isDirectory(part)) jars.add(part);
            }
            jars.add(where(CommandLine.class));
            jars.add(where(com.fasterxml.jackson.jr.ob.JSON.class)); // --log-format json
            jars.add(where(com.fasterxml.jackson.core.JsonFactory.class));
            for (Path j : jars) {
                Path copy = dir.resolve(j.getFileName());
                Files.copy(j, copy);
                copy.toFile().deleteOnExit();
                cp.append(':').append(copy);
            }
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            classPath = cp.toString();
            return classPath;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path where(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
