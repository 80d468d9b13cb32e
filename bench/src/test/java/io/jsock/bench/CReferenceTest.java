package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C reference servers (epoll, and io_uring on liburing: scripts/install-deps.sh installs liburing-dev): gcc
 * builds each from the source in the jar, and it echoes every byte back.
 */
class CReferenceTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {ServerSpec.C, "c-uring"})
    void buildsWithGccOnceAndEchoesSmallAndLargeWritesByteForByte(String name) throws Exception {
        CReference ref = CReference.named(name);
        assertThat(ref.missing()).as("gcc and the headers (scripts/install-deps.sh)").isNull();
        Path exe = ref.build(dir);
        assertThat(Files.isExecutable(exe)).isTrue();
        long built = Files.getLastModifiedTime(exe).toMillis();
        assertThat(ref.build(dir)).isEqualTo(exe);
        assertThat(Files.getLastModifiedTime(exe).toMillis()).isEqualTo(built); // unchanged source: no rebuild

        ServerSpec c = ServerSpec.of(name);
        try (ServerProcess server = ServerProcess.start(c, c.resolve(dir), Duration.ofSeconds(30))) {
            String[] hp = server.address().toString().split(":");
            try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                out.write("hello\n".getBytes());
                assertThat(in.readNBytes(6)).isEqualTo("hello\n".getBytes());
                // 4 MiB written by another thread while this one reads: more than the socket buffers
                // hold, so the server must keep what the kernel does not take at once.
                byte[] big = new byte[4 << 20];
                new Random(7).nextBytes(big);
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        out.write(big);
                        s.shutdownOutput();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                assertThat(in.readAllBytes()).isEqualTo(big);
                writer.join(10_000);
            }
        }
    }
}
