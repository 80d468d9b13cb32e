package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The C reference server: gcc builds it from the source in the jar, and it echoes every byte back. */
class CReferenceTest {
    @TempDir
    Path dir;

    @Test
    void buildsWithGccOnceAndEchoesSmallAndLargeWritesByteForByte() throws Exception {
        Path exe = CReference.build(dir);
        assertThat(Files.isExecutable(exe)).isTrue();
        long built = Files.getLastModifiedTime(exe).toMillis();
        assertThat(CReference.build(dir)).isEqualTo(exe);
        assertThat(Files.getLastModifiedTime(exe).toMillis()).isEqualTo(built); // unchanged source: no rebuild

        ServerSpec c = ServerSpec.of(ServerSpec.C);
        try (ServerProcess server = ServerProcess.start(c, c.resolve(exe), Duration.ofSeconds(30))) {
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
