package io.jsock.socket;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.internal.SockFprog;
import io.jsock.socket.internal.Sockaddrs;
import io.jsock.socket.internal.Sockaddrs.SockaddrLl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** sockaddr_ll, sock_filter and sock_fprog: laid out as gcc lays them out on this machine, and every accessor. */
class PacketStructLayoutTest {
    @Test
    void theLayoutsAndConstantsAreWhatGccSaysOnThisMachine() throws Exception {
        GccLayout.of("#include <linux/filter.h>", "#include <linux/if_packet.h>", "#include <linux/if_ether.h>",
                        "#include <linux/if_arp.h>", "#include <sys/socket.h>")
                .size("sockaddr_ll", SockaddrLl.SIZE)
                .struct("sockaddr_ll", SockaddrLl.LAYOUT, "sll_family", "sll_protocol", "sll_ifindex", "sll_hatype", "sll_pkttype",
                        "sll_halen", "sll_addr")
                .struct("sock_filter", SockFprog.SOCK_FILTER, "code", "jt", "jf", "k")
                .struct("sock_fprog", SockFprog.LAYOUT, "len", "filter")
                .value("AF_PACKET", Family.PACKET.af())
                .value("ETH_P_ALL", SockAddr.Link.ETH_P_ALL)
                .value("ETH_P_IP", SockAddr.Link.ETH_P_IP)
                .value("ETH_P_IPV6", SockAddr.Link.ETH_P_IPV6)
                .value("SO_ATTACH_FILTER", io.jsock.socket.internal.Constants.SO_ATTACH_FILTER)
                .value("PACKET_OUTGOING", SockAddr.Link.PACKET_OUTGOING)
                .value("ARPHRD_LOOPBACK", SockAddr.Link.ARPHRD_LOOPBACK)
                .matchesGcc();
    }

    @Test
    void everySockaddrLlAccessorReadsAndWritesItsFieldWithTheProtocolInNetworkOrder() {
        MemorySegment s = StructBytes.zeroed(SockaddrLl.SIZE);
        SockaddrLl.sll_family(s, (short) 17);
        SockaddrLl.sll_protocol(s, 0x86DD);
        SockaddrLl.sll_ifindex(s, 0x01020304);
        SockaddrLl.sll_hatype(s, 772);
        SockaddrLl.sll_pkttype(s, 4);
        SockaddrLl.sll_addr(s, new byte[] {1, 2, 3, 4, 5, 6});
        assertThat(s.get(JAVA_SHORT, 0)).isEqualTo((short) 17);
        assertThat(s.get(JAVA_BYTE, 2)).isEqualTo((byte) 0x86); // high byte first
        assertThat(s.get(JAVA_BYTE, 3)).isEqualTo((byte) 0xDD);
        assertThat(s.get(JAVA_INT, 4)).isEqualTo(0x01020304);
        assertThat(s.get(JAVA_SHORT, 8)).isEqualTo((short) 772);
        assertThat(s.get(JAVA_BYTE, 10)).isEqualTo((byte) 4);
        assertThat(s.get(JAVA_BYTE, 11)).as("sll_halen").isEqualTo((byte) 6);
        assertThat(s.asSlice(12, 8).toArray(JAVA_BYTE)).containsExactly(1, 2, 3, 4, 5, 6, 0, 0);
        assertThat(SockaddrLl.sll_family(s)).isEqualTo((short) 17);
        assertThat(SockaddrLl.sll_protocol(s)).isEqualTo(0x86DD);
        assertThat(SockaddrLl.sll_ifindex(s)).isEqualTo(0x01020304);
        assertThat(SockaddrLl.sll_hatype(s)).isEqualTo(772);
        assertThat(SockaddrLl.sll_pkttype(s)).isEqualTo(4);
        assertThat(SockaddrLl.sll_halen(s)).isEqualTo(6);
        assertThat(SockaddrLl.sll_addr(s)).containsExactly(1, 2, 3, 4, 5, 6);
        s.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) 3);
        assertThat(SockaddrLl.sll_protocol(s)).isEqualTo(SockAddr.Link.ETH_P_ALL);
    }

    @Test
    void aLinkAddressEncodesAndDecodesThroughSockaddrLl() {
        MemorySegment s = Sockaddrs.storage();
        SockAddr.Link link = new SockAddr.Link(SockAddr.Link.ETH_P_IP, 7, 1, 4, "02:00:0a:d5:01:02");
        assertThat(Sockaddrs.encode(link, s)).isEqualTo(20);
        assertThat(Sockaddrs.decode(s, 20)).isEqualTo(link);
        assertThat(link).hasToString("link:if7/0x0800/type=4/02:00:0a:d5:01:02");
    }

    @Test
    void everySockFilterAndSockFprogAccessorReadsAndWritesItsField() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment f = arena.allocate(SockFprog.SOCK_FILTER, 2);
            SockFprog.code(f, 1, 0x28);
            SockFprog.jt(f, 1, 200);
            SockFprog.jf(f, 1, 3);
            SockFprog.k(f, 1, 0xfffff000);
            assertThat(f.get(JAVA_SHORT, 8)).isEqualTo((short) 0x28);
            assertThat(f.get(JAVA_BYTE, 10)).isEqualTo((byte) 200);
            assertThat(f.get(JAVA_BYTE, 11)).isEqualTo((byte) 3);
            assertThat(f.get(JAVA_INT, 12)).isEqualTo(0xfffff000);
            assertThat(f.asSlice(0, 8).toArray(JAVA_BYTE)).as("instruction 0 untouched").containsOnly(0);
            assertThat(SockFprog.code(f, 1)).isEqualTo(0x28);
            assertThat(SockFprog.jt(f, 1)).isEqualTo(200);
            assertThat(SockFprog.jf(f, 1)).isEqualTo(3);
            assertThat(SockFprog.k(f, 1)).isEqualTo(0xfffff000);
            MemorySegment p = arena.allocate(SockFprog.LAYOUT);
            SockFprog.len(p, 2);
            SockFprog.filter(p, f);
            assertThat(p.get(JAVA_SHORT, 0)).isEqualTo((short) 2);
            assertThat(SockFprog.len(p)).isEqualTo(2);
            assertThat(SockFprog.filter(p).address()).isEqualTo(f.address());
        }
    }
}
