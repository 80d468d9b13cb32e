package io.jsock.socket;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** sockaddr_ll, sock_filter and sock_fprog: laid out as gcc lays them out on this machine, and every accessor. */
class PacketStructLayoutTest {
    private static final String PROGRAM = """
            #include <stddef.h>
            #include <stdio.h>
            #include <linux/filter.h>
            #include <linux/if_packet.h>
            #include <linux/if_ether.h>
            #include <linux/if_arp.h>
            #include <sys/socket.h>
            #define F(s, m) printf(#s "." #m " %zu\\n", offsetof(struct s, m))
            #define S(s) printf(#s " %zu\\n", sizeof(struct s))
            int main(void) {
                S(sockaddr_ll); F(sockaddr_ll, sll_family); F(sockaddr_ll, sll_protocol); F(sockaddr_ll, sll_ifindex);
                F(sockaddr_ll, sll_hatype); F(sockaddr_ll, sll_pkttype); F(sockaddr_ll, sll_halen); F(sockaddr_ll, sll_addr);
                S(sock_filter); F(sock_filter, code); F(sock_filter, jt); F(sock_filter, jf); F(sock_filter, k);
                S(sock_fprog); F(sock_fprog, len); F(sock_fprog, filter);
                printf("AF_PACKET %d\\nETH_P_ALL %d\\nETH_P_IP %d\\nETH_P_IPV6 %d\\nSO_ATTACH_FILTER %d\\n",
                       AF_PACKET, ETH_P_ALL, ETH_P_IP, ETH_P_IPV6, SO_ATTACH_FILTER);
                printf("PACKET_OUTGOING %d\\nARPHRD_LOOPBACK %d\\n", PACKET_OUTGOING, ARPHRD_LOOPBACK);
                return 0;
            }
            """;

    @Test
    void theLayoutsAndConstantsAreWhatGccSaysOnThisMachine() throws Exception {
        Map<String, Long> c = gcc();
        assertThat((long) SockaddrLl.SIZE).as("sizeof(struct sockaddr_ll)").isEqualTo(c.get("sockaddr_ll"));
        for (String f : new String[] {"sll_family", "sll_protocol", "sll_ifindex", "sll_hatype", "sll_pkttype", "sll_halen", "sll_addr"}) {
            assertThat(SockaddrLl.LAYOUT.byteOffset(groupElement(f))).as("offsetof(sockaddr_ll, %s)", f).isEqualTo(c.get("sockaddr_ll." + f));
        }
        assertThat(SockFprog.SOCK_FILTER.byteSize()).as("sizeof(struct sock_filter)").isEqualTo(c.get("sock_filter"));
        for (String f : new String[] {"code", "jt", "jf", "k"}) {
            assertThat(SockFprog.SOCK_FILTER.byteOffset(groupElement(f))).as("offsetof(sock_filter, %s)", f).isEqualTo(c.get("sock_filter." + f));
        }
        assertThat(SockFprog.LAYOUT.byteSize()).as("sizeof(struct sock_fprog)").isEqualTo(c.get("sock_fprog"));
        assertThat(SockFprog.LAYOUT.byteOffset(groupElement("len"))).isEqualTo(c.get("sock_fprog.len"));
        assertThat(SockFprog.LAYOUT.byteOffset(groupElement("filter"))).isEqualTo(c.get("sock_fprog.filter"));

        assertThat((long) Family.PACKET.af()).isEqualTo(c.get("AF_PACKET"));
        assertThat((long) SockAddr.Link.ETH_P_ALL).isEqualTo(c.get("ETH_P_ALL"));
        assertThat((long) SockAddr.Link.ETH_P_IP).isEqualTo(c.get("ETH_P_IP"));
        assertThat((long) SockAddr.Link.ETH_P_IPV6).isEqualTo(c.get("ETH_P_IPV6"));
        assertThat((long) io.jsock.socket.internal.Constants.SO_ATTACH_FILTER).isEqualTo(c.get("SO_ATTACH_FILTER"));
        assertThat((long) SockAddr.Link.PACKET_OUTGOING).isEqualTo(c.get("PACKET_OUTGOING"));
        assertThat((long) SockAddr.Link.ARPHRD_LOOPBACK).isEqualTo(c.get("ARPHRD_LOOPBACK"));
    }

    @Test
    void everySockaddrLlAccessorReadsAndWritesItsFieldWithTheProtocolInNetworkOrder() {
        MemorySegment s = MemorySegment.ofArray(new long[3]);
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

    /** Compiles and runs the C program: its "name value" lines. */
    private static Map<String, Long> gcc() throws Exception {
        String out = Gcc.run(PROGRAM);
        Map<String, Long> values = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.trim().split(" ");
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        return values;
    }
}
