package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Load held: 10,000 connections open at once on {@code jsock serve echo}, a new client served while
 * they are held, then every one of them echoing a byte of its own (0 errors, every byte checked). The
 * server runs in its own process (each side holds 10,000 descriptors; this machine's hard limit is
 * 20,000 and cannot be raised here). {@code prefork:1}: one worker JVM (-Xmx256m) holds all 10,000, the
 * case that stopped answering at 7,072 while echo gave each connection a 32 KiB buffer from the start
 * (7,072 x 32 KiB and the threads' stacks filled the worker's heap). (thread is not run: 10,000
 * platform threads is beyond its limit.)
 */
class LoadHeldTest {
    private static final int CONNECTIONS = 10_000;

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "epoll:1", "prefork:1"})
    void tenThousandConnectionsAreHeldANewClientIsServedAndEveryOneEchoes(String model) throws Exception {
        List<Socket> held = new ArrayList<>(CONNECTIONS);
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3); // bounded in time as in count
        try (ServeProcess s = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0", "--model", model, "--backlog", "4096")) {
            try {
                for (int i = 0; i < CONNECTIONS && System.nanoTime() < end; i++) held.add(ServeLifecycleTest.connect(s.address()));
                assertThat(held).as("connections made within the time bound").hasSize(CONNECTIONS);

                try (Socket fresh = ServeLifecycleTest.connect(s.address())) {
                    assertThat(ServeLifecycleTest.echoByte(fresh, (byte) 'n')).as("a new client, with 10,000 held").isEqualTo((byte) 'n');
                }
                for (int i = 0; i < held.size(); i++) held.get(i).writeFully(new byte[] {(byte) i});
                int errors = 0;
                for (int i = 0; i < held.size(); i++) {
                    Socket c = held.get(i);
                    c.setTimeout(Duration.ofSeconds(30));
                    ByteBuffer b = ByteBuffer.allocate(1);
                    if (c.read(b) != 1 || b.get(0) != (byte) i) errors++;
                }
                assertThat(errors).as("connections that did not echo their byte").isZero();
                System.out.printf("load held (%s): %,d connections open at once, a new client served, every one echoed, 0 errors%n",
                        model, held.size());
            } finally {
                held.forEach(Socket::close);
            }
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }
}
