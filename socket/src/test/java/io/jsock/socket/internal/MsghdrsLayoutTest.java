package io.jsock.socket.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Gcc;
import io.jsock.socket.internal.Msghdrs.Cmsghdr;
import io.jsock.socket.internal.Msghdrs.Iovec;
import io.jsock.socket.internal.Msghdrs.Msghdr;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/** msghdr, iovec and cmsghdr (and the CMSG_ macros) as gcc lays them out on this machine, and every accessor. */
class MsghdrsLayoutTest {
    private static final String PROGRAM = """
            #define _GNU_SOURCE
            #include <stddef.h>
            #include <stdio.h>
            #include <sys/socket.h>
            #include <sys/uio.h>
            #define O(t, f) printf(#t "." #f " %zu\\n", offsetof(struct t, f))
            #define S(t) printf(#t " %zu\\n", sizeof(struct t))
            int main(void) {
                S(msghdr); O(msghdr, msg_name); O(msghdr, msg_namelen); O(msghdr, msg_iov); O(msghdr, msg_iovlen);
                O(msghdr, msg_control); O(msghdr, msg_controllen); O(msghdr, msg_flags);
                S(iovec); O(iovec, iov_base); O(iovec, iov_len);
                S(cmsghdr); O(cmsghdr, cmsg_len); O(cmsghdr, cmsg_level); O(cmsghdr, cmsg_type);
                S(ucred); O(ucred, pid); O(ucred, uid); O(ucred, gid);
                printf("CMSG_LEN4 %zu\\nCMSG_SPACE4 %zu\\nCMSG_SPACE12 %zu\\nCMSG_SPACE1012 %zu\\n",
                       (size_t) CMSG_LEN(4), (size_t) CMSG_SPACE(4), (size_t) CMSG_SPACE(12), (size_t) CMSG_SPACE(1012));
                struct cmsghdr c; printf("CMSG_DATA %zu\\n", (size_t) ((unsigned char *) CMSG_DATA(&c) - (unsigned char *) &c));
                return 0;
            }
            """;

    @Test
    void theLayoutsAreWhatGccSaysOnThisMachine() throws Exception {
        String out = Gcc.run(PROGRAM);
        java.util.Map<String, Long> c = new java.util.HashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.trim().split(" ");
            c.put(kv[0], Long.parseLong(kv[1]));
        }
        check(Msghdr.LAYOUT, "msghdr", c, "msg_name", "msg_namelen", "msg_iov", "msg_iovlen", "msg_control",
                "msg_controllen", "msg_flags");
        check(Iovec.LAYOUT, "iovec", c, "iov_base", "iov_len");
        check(Cmsghdr.LAYOUT, "cmsghdr", c, "cmsg_len", "cmsg_level", "cmsg_type");
        assertThat(c.get("ucred")).as("sizeof(struct ucred), PeerCred's").isEqualTo(12);
        assertThat(c.get("ucred.uid")).isEqualTo(4);
        assertThat(c.get("ucred.gid")).isEqualTo(8);
        assertThat(Cmsghdr.DATA_OFFSET).as("CMSG_DATA").isEqualTo(c.get("CMSG_DATA"));
        assertThat(Cmsghdr.len(4)).as("CMSG_LEN(4)").isEqualTo(c.get("CMSG_LEN4"));
        assertThat(Cmsghdr.space(4)).as("CMSG_SPACE(4)").isEqualTo(c.get("CMSG_SPACE4"));
        assertThat(Cmsghdr.space(12)).as("CMSG_SPACE(12)").isEqualTo(c.get("CMSG_SPACE12"));
        assertThat(Cmsghdr.space(1012)).as("CMSG_SPACE(253 fds)").isEqualTo(c.get("CMSG_SPACE1012"));
    }

    private static void check(StructLayout layout, String struct, java.util.Map<String, Long> c, String... fields) {
        assertThat(layout.byteSize()).as("sizeof(struct " + struct + ")").isEqualTo(c.get(struct));
        for (String f : fields) {
            assertThat(layout.byteOffset(PathElement.groupElement(f))).as("offsetof(struct " + struct + ", " + f + ")")
                    .isEqualTo(c.get(struct + "." + f));
        }
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
