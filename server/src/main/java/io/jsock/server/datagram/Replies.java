package io.jsock.server.datagram;

import io.jsock.server.Service;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.concurrent.ThreadLocalRandom;

/** The datagram form of each built-in service: what one datagram gets back. */
final class Replies {
    private Replies() {}

    /** RFC 864 for UDP: a random number of characters between 0 and this. */
    static final int CHARGEN_MAX = 512;
    private static final int LINE = 74; // 72 characters, CR, LF
    private static final int CYCLE = 95; // lines before the pattern repeats

    /**
     * The reply to {@code datagram}, or null when the service sends none (discard).
     *
     * @param datagram what arrived, between its position and limit; echo returns this same buffer
     */
    static ByteBuffer to(Service service, ByteBuffer datagram) {
        return switch (service) {
            case ECHO -> datagram; // RFC 862: the datagram back, whole
            case DISCARD -> null;  // RFC 863: nothing
            case DAYTIME -> ByteBuffer.wrap(Service.daytime(ZonedDateTime.now()).getBytes(StandardCharsets.US_ASCII));
            case TIME -> ByteBuffer.wrap(Service.time(Instant.now())); // RFC 868: 4 bytes, whatever arrived
            case CHARGEN -> chargen(ThreadLocalRandom.current());
        };
    }

    /** RFC 864 for UDP: 0 to 512 characters of the pattern, starting at the beginning of a random line. */
    private static ByteBuffer chargen(ThreadLocalRandom random) {
        ByteBuffer lines = Service.chargenLines(); // a whole number of cycles, more than a cycle plus 512 bytes
        int start = random.nextInt(CYCLE) * LINE;
        return lines.limit(start + random.nextInt(CHARGEN_MAX + 1)).position(start);
    }
}
