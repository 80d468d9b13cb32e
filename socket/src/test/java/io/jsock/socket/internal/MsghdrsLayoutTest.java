package io.jsock.socket.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.GccLayout;
import io.jsock.socket.internal.Msghdrs.Cmsghdr;
import io.jsock.socket.internal.Msghdrs.Iovec;
import io.jsock.socket.internal.Msghdrs.Msghdr;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** msghdr, iovec and cmsghdr (and the CMSG_ macros) as gcc lays them out on this machine, and every accessor. */
class MsghdrsLayoutTest {
    @Test
    void theLayoutsAreWhatGccSaysOnThisMachine() throws Exception {
        GccLayout.of("#define _GNU_SOURCE", "#include <sys/socket.h>", "#include <sys/uio.h>")
                .struct("msghdr", Msghdr.LAYOUT, "msg_name", "msg_namelen", "msg_iov", "msg_iovlen", "msg_control",
                        "msg_controllen", "msg_flags")
                .struct("iovec", Iovec.LAYOUT, "iov_base", "iov_len")
                .struct("cmsghdr", Cmsghdr.LAYOUT, "cmsg_len", "cmsg_level", "cmsg_type")
                .size("ucred", 12).offset("ucred", "pid", 0).offset("ucred", "uid", 4).offset("ucred", "gid", 8) // PeerCred's
                .value("({ struct cmsghdr c; (unsigned char *) CMSG_DATA(&c) - (unsigned char *) &c; })", Cmsghdr.DATA_OFFSET)
                .value("CMSG_LEN(4)", Cmsghdr.len(4))
                .value("CMSG_SPACE(4)", Cmsghdr.space(4))
                .value("CMSG_SPACE(12)", Cmsghdr.space(12))
                .value("CMSG_SPACE(1012)", Cmsghdr.space(1012)) // 253 descriptors
                .matchesGcc();
    }

    @Test
    void everyAccessorReadsAndWritesItsField() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment target = arena.allocate(8);
            MemorySegment m = arena.allocate(Msghdr.LAYOUT);
            Msghdr.msg_name(m, target);
            Msghdr.msg_namelen(m, 28);
            Msghdr.msg_iov(m, target.asSlice(1));
            Msghdr.msg_iovlen(m, 3);
            Msghdr.msg_control(m, target.asSlice(2));
            Msghdr.msg_controllen(m, 56);
            Msghdr.msg_flags(m, 0x28);
            assertThat(m.get(ADDRESS, 0).address()).isEqualTo(target.address());
            assertThat(m.get(JAVA_INT, 8)).isEqualTo(28);
            assertThat(m.get(ADDRESS, 16).address()).isEqualTo(target.address() + 1);
            assertThat(m.get(JAVA_LONG, 24)).isEqualTo(3);
            assertThat(m.get(ADDRESS, 32).address()).isEqualTo(target.address() + 2);
            assertThat(m.get(JAVA_LONG, 40)).isEqualTo(56);
            assertThat(m.get(JAVA_INT, 48)).isEqualTo(0x28);
            assertThat(Msghdr.msg_name(m).address()).isEqualTo(target.address());
            assertThat(Msghdr.msg_namelen(m)).isEqualTo(28);
            assertThat(Msghdr.msg_iov(m).address()).isEqualTo(target.address() + 1);
            assertThat(Msghdr.msg_iovlen(m)).isEqualTo(3);
            assertThat(Msghdr.msg_control(m).address()).isEqualTo(target.address() + 2);
            assertThat(Msghdr.msg_controllen(m)).isEqualTo(56);
            assertThat(Msghdr.msg_flags(m)).isEqualTo(0x28);

            MemorySegment v = arena.allocate(Iovec.LAYOUT);
            Iovec.iov_base(v, target);
            Iovec.iov_len(v, 4096);
            assertThat(v.get(ADDRESS, 0).address()).isEqualTo(target.address());
            assertThat(v.get(JAVA_LONG, 8)).isEqualTo(4096);
            assertThat(Iovec.iov_base(v).address()).isEqualTo(target.address());
            assertThat(Iovec.iov_len(v)).isEqualTo(4096);

            MemorySegment h = arena.allocate(Cmsghdr.LAYOUT);
            Cmsghdr.cmsg_len(h, 20);
            Cmsghdr.cmsg_level(h, 1);
            Cmsghdr.cmsg_type(h, 2);
            assertThat(h.get(JAVA_LONG, 0)).isEqualTo(20);
            assertThat(h.get(JAVA_INT, 8)).isEqualTo(1);
            assertThat(h.get(JAVA_INT, 12)).isEqualTo(2);
            assertThat(Cmsghdr.cmsg_len(h)).isEqualTo(20);
            assertThat(Cmsghdr.cmsg_level(h)).isEqualTo(1);
            assertThat(Cmsghdr.cmsg_type(h)).isEqualTo(2);
        }
    }
}
