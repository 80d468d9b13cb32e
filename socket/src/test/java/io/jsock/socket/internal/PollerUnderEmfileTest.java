package io.jsock.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The first blocking call on a virtual thread, made while the process is out of descriptors, fails with
 * EMFILE and leaves nothing broken: once descriptors are freed the same call works (in a fresh JVM, whose
 * pollers have not started yet; before, the poller class failed to initialize for the life of the JVM).
 */
class PollerUnderEmfileTest {

    @Test
    void aVirtualThreadsFirstWaitUnderEmfileFailsOnceAndWorksWhenDescriptorsAreFreed() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                FirstWaitOutOfDescriptors.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the child ends").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out).contains("first wait: EMFILE").contains("after: 42");
            assertThat(p.exitValue()).as(out).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    /** The child: fills its descriptor table, waits on a virtual thread, frees, waits again. */
    static final class FirstWaitOutOfDescriptors {
        public static void main(String[] args) throws Exception {
            Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
            // Loaded now: this class path is directories, and loading a class opens its file.
            // Not initialized: initializing the poller class is what is under test.
            for (String c : List.of(Poller.class.getName(), MasterPoller.class.getName(), Fd.class.getName() + "$Waiter", "io.jsock.socket.event.Epoll")) {
                Class.forName(c, false, Fd.class.getClassLoader());
            }
            readOnVirtualThread(null, null);
            List<Socket> filler = new ArrayList<>();
            try {
                while (true) filler.add(Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT));
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EMFILE && e.errno() != Errno.ENFILE) throw e;
            }
            System.out.println("first wait: " + readOnVirtualThread(pair[0], null));
            filler.forEach(Socket::close);
            System.out.println("after: " + readOnVirtualThread(pair[0], pair[1]));
            System.exit(0);
        }

        /** Reads a byte on a virtual thread; {@code writer}, if given, sends it once the reader waits. */
        private static String readOnVirtualThread(Socket s, Socket writer) throws Exception {
            AtomicReference<String> got = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> {
                if (s == null) return; // loads this lambda's classes and the virtual thread's
                try {
                    ByteBuffer b = ByteBuffer.allocate(1);
                    s.read(b);
                    got.set(Integer.toString(b.get(0)));
                } catch (ErrnoException e) {
                    got.set(e.errno().name());
                } catch (IOException | Error e) {
                    got.set(e.toString());
                }
            });
            if (writer != null) {
                while (t.getState() != Thread.State.WAITING && t.isAlive()) Thread.sleep(1); // parked in the read
                writer.writeFully(new byte[] {42});
            }
            if (!t.join(java.time.Duration.ofSeconds(20))) return "still waiting";
            return got.get();
        }
    }
}
