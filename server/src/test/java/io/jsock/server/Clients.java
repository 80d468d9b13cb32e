package io.jsock.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import com.sun.management.HotSpotDiagnosticMXBean;

/** Test clients on loopback, and what the tests look at in this process: sockets, jsock threads, queues. */
public final class Clients {
    private Clients() {}

    /** A bound on every read a test makes: a broken server fails the test, it does not hang it. */
    public static final Duration READ_LIMIT = Duration.ofSeconds(60);

    public static Socket connect(SockAddr to) throws IOException {
        return connect(to, SocketType.STREAM);
    }

    /** A client of {@code type} (stream or seqpacket) connected to {@code to}, reads limited to {@link #READ_LIMIT}. */
    public static Socket connect(SockAddr to, SocketType type) throws IOException {
        Socket c = Socket.open(to.family(), type, Protocol.DEFAULT);
        try {
            c.setTimeout(READ_LIMIT);
            c.connect(to);
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    /** Writes {@code data} then FIN on a second thread while reading; returns everything read until the server's FIN. */
    public static byte[] echo(Socket c, byte[] data) throws Exception {
        Thread w = Thread.ofVirtual().start(() -> {
            try {
                c.writeFully(data);
                c.shutdown(Shutdown.WRITE);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        byte[] back = new byte[data.length];
        c.readFully(back);
        assertThat(c.read(ByteBuffer.allocate(1))).as("end of stream after the echo").isEqualTo(-1);
        w.join();
        return back;
    }

    /** One byte there and back. */
    public static byte echoByte(Socket c, byte b) throws IOException {
        c.writeFully(new byte[] {b});
        ByteBuffer got = ByteBuffer.allocate(1);
        c.readFully(got);
        return got.get(0);
    }

    /** Completed connections waiting in the listener's accept queue (TCP_INFO of a LISTEN socket: tcpi_unacked). */
    public static int acceptQueue(TcpServer s) throws IOException {
        return s.listener().getOption(SockOpt.TCP_INFO).unacked();
    }

    /** Waits (bounded: 10 s) until the condition holds; the caller asserts it afterwards. */
    public static void waitFor(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 1000 && !condition.getAsBoolean(); i++) Thread.sleep(10);
    }

    /**
     * Socket descriptors open in this process and its children (prefork's workers hold the served
     * sockets), from /proc/PID/fd; eventfds of dead threads go at GC time, so not those.
     */
    public static long sockets() throws IOException {
        long n = sockets(ProcessHandle.current().pid());
        for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
            try {
                n += sockets(child.pid());
            } catch (IOException exited) {
                // gone while we looked: it holds nothing any more
            }
        }
        return n;
    }

    /** {@link #sockets()} once it has held still for 300 ms (bounded: 10 s). */
    public static long steadySockets() throws IOException, InterruptedException {
        long last = -1;
        int still = 0;
        for (int i = 0; i < 1000 && still < 30; i++) {
            long now = sockets();
            still = now == last ? still + 1 : 0;
            last = now;
            Thread.sleep(10);
        }
        return last;
    }

    private static long sockets(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false; // closed while we looked (the listing's own descriptor)
                }
            }).count();
        }
    }

    /**
     * Names of the live threads called jsock-*, virtual ones included (from the JVM's JSON thread dump),
     * without the socket layer's lifelong pollers and cleaner.
     */
    public static Set<String> jsockThreads() throws IOException {
        Path dump = Files.createTempFile("jsock-threads", ".json");
        try {
            Files.delete(dump); // dumpThreads refuses to overwrite
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            String json = Files.readString(dump);
            return java.util.regex.Pattern.compile("\"name\": \"(jsock-[^\"]*)\"").matcher(json).results()
                    .map(m -> m.group(1))
                    .filter(n -> !n.endsWith("-poller") && !n.equals("jsock-cleaner"))
                    .collect(Collectors.toSet());
        } finally {
            Files.deleteIfExists(dump);
        }
    }
}
