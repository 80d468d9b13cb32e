package io.jsock.socket.event;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The epoll_event struct's layout, written and read back through every accessor. */
class EpollEventLayoutTest {
    @Test
    void epollEventIsPackedTwelveBytesWithDataUnaligned() {
        assertThat(Epoll.EPOLL_EVENT.byteSize()).isEqualTo(12);
        MemorySegment s = zeroed(24);
        Epoll.epoll_event_events(s, 1, 0x2001);
        Epoll.epoll_event_data(s, 1, 0x1122334455667788L);
        assertThat(s.get(JAVA_INT, 12)).isEqualTo(0x2001);
        assertThat(s.get(JAVA_LONG_UNALIGNED, 16)).isEqualTo(0x1122334455667788L);
        s.set(JAVA_INT, 0, 4);
        s.set(JAVA_LONG_UNALIGNED, 4, -5L);
        assertThat(Epoll.epoll_event_events(s, 0)).isEqualTo(4);
        assertThat(Epoll.epoll_event_data(s, 0)).isEqualTo(-5L);
        assertThat(Epoll.epoll_event_events(s, 1)).isEqualTo(0x2001);
        assertThat(Epoll.epoll_event_data(s, 1)).isEqualTo(0x1122334455667788L);
    }

    private static MemorySegment zeroed(long size) {
        return MemorySegment.ofArray(new long[(int) ((size + 7) / 8)]);
    }
}
