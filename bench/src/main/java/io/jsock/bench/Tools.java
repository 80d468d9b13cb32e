package io.jsock.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where things are: programs on the PATH, this jar, the java that runs it. */
final class Tools {
    private Tools() {}

    /** The executable {@code name} on the PATH, or null. */
    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** The java binary running this JVM. */
    static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The jar (or classes directory) this class was loaded from. */
    static Path codeLocation() {
        try {
            return Path.of(Tools.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            return Path.of(".");
        }
    }

    /**
     * The class path a Java peer runs with: this jar (shaded, it holds Netty), or, when running from
     * classes directories (the tests), this JVM's own class path.
     */
    static String classPath() {
        Path here = codeLocation();
        return Files.isRegularFile(here) ? here.toString() : System.getProperty("java.class.path");
    }

    /** The jsock checkout this bench runs from (holding ./jsock), or null. */
    static Path repository() {
        for (Path p = codeLocation().toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("jsock")) && Files.exists(p.resolve("pom.xml"))) return p;
        }
        Path cwd = Path.of("").toAbsolutePath();
        return Files.isExecutable(cwd.resolve("jsock")) ? cwd : null;
    }

    /** Where built things go: bench/target of the checkout, else a directory under the temp dir. */
    static Path targetDir() {
        Path repo = repository();
        if (repo != null && Files.isDirectory(repo.resolve("bench"))) return repo.resolve("bench").resolve("target");
        return Path.of(System.getProperty("java.io.tmpdir"), "jsock-bench");
    }
}
