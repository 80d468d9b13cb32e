package io.jsock.socket.event;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.socket.GccLayout;
import io.jsock.socket.StructBytes;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/** The epoll_event struct's layout: as gcc lays it out on this machine, per architecture, and through every accessor. */
class EpollEventLayoutTest {
    @Test
    void theLayoutIsWhatGccSaysOnThisMachine() throws Exception {
        GccLayout.of("#include <sys/epoll.h>").struct("epoll_event", Epoll.EPOLL_EVENT, "events", "data").matchesGcc();
    }

    @Test
    void x86_64PacksItAndAarch64AlignsIt() {
        StructLayout packed = Epoll.layout("amd64");
        assertThat(packed.byteSize()).isEqualTo(12);
        assertThat(packed.byteOffset(PathElement.groupElement("data"))).isEqualTo(4);
        assertThat(Epoll.layout("x86_64")).isEqualTo(packed);
        StructLayout aligned = Epoll.layout("aarch64");
        assertThat(aligned.byteSize()).isEqualTo(16);
        assertThat(aligned.byteOffset(PathElement.groupElement("data"))).isEqualTo(8);
    }

    @Test
    void anotherArchitectureIsRefusedInOneLine() {
        assertThatThrownBy(() -> Epoll.layout("riscv64"))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("jsock supports Linux on x86_64 and aarch64, not on riscv64 (struct epoll_event's layout is not known there)");
    }

    @Test
    void everyAccessorReadsAndWritesItsField() {
        long size = Epoll.EPOLL_EVENT.byteSize();
        long data = Epoll.EPOLL_EVENT.byteOffset(PathElement.groupElement("data"));
        MemorySegment s = StructBytes.zeroed(2 * size);
        Epoll.epoll_event_events(s, 1, 0x2001);
        Epoll.epoll_event_data(s, 1, 0x1122334455667788L);
        assertThat(s.get(JAVA_INT, size)).isEqualTo(0x2001);
        assertThat(s.get(JAVA_LONG_UNALIGNED, size + data)).isEqualTo(0x1122334455667788L);
        s.set(JAVA_INT, 0, 4);
        s.set(JAVA_LONG_UNALIGNED, data, -5L);
        assertThat(Epoll.epoll_event_events(s, 0)).isEqualTo(4);
        assertThat(Epoll.epoll_event_data(s, 0)).isEqualTo(-5L);
        assertThat(Epoll.epoll_event_events(s, 1)).isEqualTo(0x2001);
        assertThat(Epoll.epoll_event_data(s, 1)).isEqualTo(0x1122334455667788L);
    }
}
