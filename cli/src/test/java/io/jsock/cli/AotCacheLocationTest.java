package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The child JVMs' AOT cache goes under the user's cache directory ($XDG_CACHE_HOME/jsock), private, one file per jar. */
class AotCacheLocationTest {

    @Test
    void theCacheIsWrittenUnderXdgCacheHomeNotTheTemporaryDirectory(@TempDir Path cache) throws Exception {
        try (ServeProcess s = ServeProcess.start(List.of("env", "XDG_CACHE_HOME=" + cache),
                "serve", "echo", "--bind", "127.0.0.1:0", "--model", "process")) {
            try (Socket c = ServeLifecycleTest.connect(s.address())) {
                assertThat(ServeLifecycleTest.echoByte(c, (byte) 'a')).isEqualTo((byte) 'a'); // starts the training too
            }
            List<Path> caches = List.of();
            for (int i = 0; i < 1800 && caches.isEmpty(); i++) { // bounded: 3 minutes for the training JVM
                caches = aotFiles(cache);
                if (caches.isEmpty()) Thread.sleep(100);
            }
            assertThat(caches).as("child-*.aot under " + cache + "/jsock").hasSize(1);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.resolve("jsock")))).isEqualTo("rwx------");
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    private static List<Path> aotFiles(Path cache) throws Exception {
        if (!Files.isDirectory(cache.resolve("jsock"))) return List.of();
        try (Stream<Path> all = Files.walk(cache.resolve("jsock"))) {
            return all.filter(p -> p.getFileName().toString().matches("child-[0-9a-f]+\\.aot")).toList();
        }
    }
}
