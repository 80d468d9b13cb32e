package io.jsock.server;

import static io.jsock.server.Service.ECHO;
import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Shutdown;
import io.jsock.socket.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A stop that comes after the accept thread handed a connection to a thread of its own, but before
 * that thread ran (and registered the connection): the grace period covers it, so the client gets its
 * echo, not a connection closed as one registered after the grace period.
 */
class HandOverAtStopTest {

    @Test
    void aConnectionWhoseVirtualThreadHasNotRunYetIsServedWithinTheGracePeriod() throws Exception {
        TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.parse("virtual")).handler(ECHO)
                .grace(Duration.ofSeconds(20)).start();
        AtomicBoolean spin = new AtomicBoolean(true);
        List<Thread> spinners = new ArrayList<>();
        Thread closer = null;
        try {
            // Every carrier busy: a virtual thread started from now on waits for one. The accept thread is a
            // platform thread, so the connection is accepted and handed over meanwhile.
            int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
            CountDownLatch spinning = new CountDownLatch(carriers);
            for (int i = 0; i < carriers; i++) {
                spinners.add(Thread.ofVirtual().start(() -> {
                    spinning.countDown();
                    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (spin.get() && System.nanoTime() - end < 0) Thread.onSpinWait();
                }));
            }
            assertThat(spinning.await(30, TimeUnit.SECONDS)).isTrue();
            try (Socket c = Clients.connect(s.localAddress())) {
                c.writeFully(new byte[] {'x'});
                c.shutdown(Shutdown.WRITE);
                Clients.waitFor(() -> acceptQueue(s) == 0);
                Thread.sleep(200); // accepted, and handed to a virtual thread that cannot run yet
                closer = Thread.ofPlatform().start(s::close);
                Thread.sleep(500); // the stop is under way: the listener closed, the accept thread gone
                spin.set(false);
                ByteBuffer back = ByteBuffer.allocate(2);
                while (back.hasRemaining() && c.read(back) > 0) { }
                assertThat(back.flip().remaining()).as("bytes echoed").isEqualTo(1);
                assertThat(back.get(0)).isEqualTo((byte) 'x');
            }
        } finally {
            spin.set(false);
            for (Thread t : spinners) t.join(Duration.ofSeconds(30));
            if (closer != null) closer.join(Duration.ofSeconds(60));
            s.close();
        }
    }

    private static int acceptQueue(TcpServer s) {
        try {
            return Clients.acceptQueue(s);
        } catch (IOException e) {
            return -1; // the listener is closed: nothing queued there any more
        }
    }
}
