package io.jsock.server;

import io.jsock.server.serving.Uninterruptibly;
import io.jsock.socket.Shutdown;
import io.jsock.socket.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The classic small TCP services (inetd's "internal" ones), each a {@link Handler} that works in
 * every model. Plain constants without state: a child process can run one by its name.
 */
public enum Service implements Handler {
    /** RFC 862: sends back every byte it receives, in order, until the client closes. */
    ECHO(7) {
        @Override
        public void serve(Connection c) throws IOException {
            Socket s = c.socket();
            // Small while the client is idle or sends short messages (an idle connection holds its buffer for
            // its whole life); a read that fills it means a bulk sender, for whom the full size pays.
            ByteBuffer buf = ByteBuffer.allocate(FIRST_BUFFER);
            while (s.read(buf.clear()) >= 0) {
                s.writeFully(buf.flip());
                if (buf.limit() == buf.capacity() && buf.capacity() < BUFFER) buf = ByteBuffer.allocate(BUFFER);
            }
        }
    },

    /** RFC 863: reads and throws away everything until the client closes; sends nothing. */
    DISCARD(9) {
        @Override
        public void serve(Connection c) throws IOException {
            drain(c.socket());
        }
    },

    /** RFC 867: sends the date and time as one line of text, then closes without reading anything. */
    DAYTIME(13) {
        @Override
        public void serve(Connection c) throws IOException {
            sendAndClose(c.socket(), daytime(ZonedDateTime.now()).getBytes(StandardCharsets.US_ASCII));
        }
    },

    /**
     * RFC 864: sends 72-character lines of the 95 printable ASCII characters, each line starting one
     * character further on, until the client closes; what the client sends is read and thrown away.
     */
    CHARGEN(19) {
        @Override
        public void serve(Connection c) throws IOException {
            Socket s = c.socket();
            // A second thread reads and discards, so a client that writes while it reads never blocks us
            // both (each with a full send buffer waiting for the other to read).
            Thread discarder = Thread.ofVirtual().name("jsock-chargen-discard-" + c.id()).start(() -> {
                try {
                    drain(s);
                } catch (IOException ended) {
                    // reset, or the socket closed under us: the sending side notices on its own
                }
            });
            try {
                ByteBuffer lines = chargenLines();
                while (true) s.writeFully(lines.clear()); // ends with EPIPE/ECONNRESET when the client closes
            } finally {
                try {
                    s.shutdown(Shutdown.READ); // wakes the discarder's read with end of stream
                } catch (IOException notConnected) {
                    // reset or closed already: its read has failed too
                }
                Uninterruptibly.await(discarder::join);
            }
        }
    },

    /**
     * RFC 868: sends the time as 4 bytes, the seconds since 1900-01-01 00:00 UTC as an unsigned
     * big-endian number, then closes without reading anything.
     */
    TIME(37) {
        @Override
        public void serve(Connection c) throws IOException {
            sendAndClose(c.socket(), time(Instant.now()));
        }
    };

    /** Bytes per read for echo (a per-connection heap buffer). */
    static final int BUFFER = 32 * 1024;
    /** Echo's first buffer: enough for a request/response message; grown to {@link #BUFFER} when a read fills it. */
    static final int FIRST_BUFFER = 256;

    /** A buffer whose content nobody reads: every connection writes into its own view of it. */
    private static final ByteBuffer SINK = ByteBuffer.allocateDirect(64 * 1024);

    /** RFC 864's 95 lines (then the pattern repeats), several times over: a whole number of lines per write. */
    private static final ByteBuffer CHARGEN_LINES = chargenPattern(8).asReadOnlyBuffer();

    private final int port;

    Service(int port) {
        this.port = port;
    }

    /**
     * The service's well-known port (/etc/services); jsock listens on whatever it is told to.
     *
     * @return 7, 9, 13, 19 or 37
     */
    public int wellKnownPort() {
        return port;
    }

    /**
     * The name on the command line.
     *
     * @return {@code echo}, {@code discard}, {@code daytime}, {@code chargen} or {@code time}; never null
     */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What {@link #parse} accepts, for messages. */
    public static final String NAMES = Arrays.stream(values()).map(Service::cliName).collect(Collectors.joining(", "));

    /**
     * The service named {@code name}, in any case, surrounding white space ignored.
     *
     * @param name a name as {@link #cliName()} gives it
     * @return the service; never null
     * @throws IllegalArgumentException if there is no such service (the message lists {@link #NAMES})
     * @throws NullPointerException if {@code name} is null
     */
    public static Service parse(String name) {
        for (Service s : values()) {
            if (s.cliName().equalsIgnoreCase(name.trim())) return s;
        }
        throw new IllegalArgumentException("unknown service '" + name + "'; expected one of " + NAMES);
    }

    /**
     * The daytime service's line. RFC 867 leaves the format open; this is ctime(3)'s, as inetd sends
     * it: {@code Wed Nov 25 19:30:00 2026\r\n}.
     *
     * @param t the time to tell; not null
     * @return the line, CR LF at its end; never null
     */
    public static String daytime(ZonedDateTime t) {
        return CTIME.format(t) + "\r\n";
    }

    /** Seconds from 1900-01-01 (RFC 868's epoch) to 1970-01-01 (Unix's). */
    static final long SECONDS_1900_TO_1970 = 2_208_988_800L;

    /**
     * The time service's 4 bytes (RFC 868): seconds since 1900-01-01 00:00 UTC, modulo 2^32 (the
     * count wraps in 2036), big endian.
     *
     * @param t the time to tell; not null
     * @return a new array of 4 bytes; never null
     */
    public static byte[] time(Instant t) {
        long s = t.getEpochSecond() + SECONDS_1900_TO_1970;
        return new byte[] {(byte) (s >>> 24), (byte) (s >>> 16), (byte) (s >>> 8), (byte) s};
    }

    /**
     * Sends {@code reply}, then FIN, for the services that answer once and close (daytime, time).
     * Unread input would make close send RST, which may destroy the reply before the client reads it:
     * what has arrived already is taken (the RFCs say to ignore it), without waiting for more.
     */
    private static void sendAndClose(Socket s, byte[] reply) throws IOException {
        s.writeFully(reply);
        s.shutdown(Shutdown.WRITE); // FIN behind the reply
        ByteBuffer sink = SINK.duplicate();
        while (s.tryRead(sink.clear()) > 0) {
            // thrown away
        }
    }

    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    /**
     * RFC 864's lines, a whole number of 95-line cycles, for a chargen server to send again and again.
     *
     * @return a read-only view of one shared buffer, with a position and limit of its own; never null
     */
    public static ByteBuffer chargenLines() {
        return CHARGEN_LINES.duplicate();
    }

    /** Line i (from 0) holds the 72 printable characters starting at the (i mod 95)th, then CR LF. */
    static byte[] chargenLine(int i) {
        byte[] line = new byte[74];
        for (int k = 0; k < 72; k++) line[k] = (byte) (' ' + (i + k) % 95);
        line[72] = '\r';
        line[73] = '\n';
        return line;
    }

    private static ByteBuffer chargenPattern(int cycles) {
        ByteBuffer b = ByteBuffer.allocateDirect(cycles * 95 * 74);
        for (int c = 0; c < cycles; c++) {
            for (int i = 0; i < 95; i++) b.put(chargenLine(i));
        }
        return b.flip();
    }

    /** Reads until end of stream, keeping nothing. */
    private static void drain(Socket s) throws IOException {
        ByteBuffer sink = SINK.duplicate();
        while (s.read(sink.clear()) >= 0) {
            // thrown away
        }
    }
}
