package io.jsock.server.event;

import io.jsock.server.Handler;

import io.jsock.server.Service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.function.Supplier;

/**
 * The built-in services (echo, discard, daytime, chargen, time) as {@link EventHandler}s for the
 * {@code epoll} model: the event-driven twins of the blocking services, same bytes on the wire.
 * None keeps state of its own, so each factory hands out one shared handler.
 */
public final class EventServices {
    private EventServices() {}

    /** RFC 862: sends back every byte it receives, in order, until the client closes. */
    public static final EventHandler.Factory ECHO = shared((c, in) -> c.write(in));

    /** RFC 863: reads and throws away everything until the client closes; sends nothing. */
    public static final EventHandler.Factory DISCARD = shared((c, in) -> in.position(in.limit()));

    /** RFC 867: the date and time as one line of text, then close (what the client sends is thrown away). */
    public static final EventHandler.Factory DAYTIME =
            answerAndClose(() -> Service.daytime(ZonedDateTime.now()).getBytes(StandardCharsets.US_ASCII));

    /** RFC 868: the time as 4 bytes (seconds since 1900, big endian), then close (what the client sends is thrown away). */
    public static final EventHandler.Factory TIME = answerAndClose(() -> Service.time(Instant.now()));

    /**
     * RFC 864: 72-character lines of the 95 printable ASCII characters, each starting one character
     * further on, sent as fast as the client reads them until it closes; its input is thrown away.
     */
    public static final EventHandler.Factory CHARGEN = shared(new EventHandler() {
        @Override
        public void onOpen(EventConnection c) {
            c.wantWritable(true);
        }

        @Override
        public void onWritable(EventConnection c) {
            c.write(Service.chargenLines()); // a whole number of cycles: the next write goes on where this ends
        }

        @Override
        public void onReadable(EventConnection c, ByteBuffer in) {
            in.position(in.limit());
        }
    });

    /**
     * The event twin of a blocking handler.
     *
     * @param h a blocking handler, or null
     * @return for a built-in {@link Service}, the factory of its non-blocking version; for any other
     *     handler (or null), {@code null}
     */
    public static EventHandler.Factory twinOf(Handler h) {
        if (!(h instanceof Service s)) return null;
        return switch (s) {
            case ECHO -> ECHO;
            case DISCARD -> DISCARD;
            case DAYTIME -> DAYTIME;
            case CHARGEN -> CHARGEN;
            case TIME -> TIME;
        };
    }

    /** A service that sends one answer as the connection opens, then closes once it is sent; its input is thrown away. */
    private static EventHandler.Factory answerAndClose(Supplier<byte[]> answer) {
        return shared(new EventHandler() {
            @Override
            public void onOpen(EventConnection c) {
                c.write(ByteBuffer.wrap(answer.get()));
                c.close();
            }

            @Override
            public void onReadable(EventConnection c, ByteBuffer in) {
                in.position(in.limit());
            }
        });
    }

    private static EventHandler.Factory shared(EventHandler h) {
        return c -> h;
    }
}
