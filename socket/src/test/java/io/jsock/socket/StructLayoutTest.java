package io.jsock.socket;

import io.jsock.socket.internal.Sockaddrs;
import io.jsock.socket.internal.Wakeup;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.internal.Sockaddrs.SockaddrIn;
import io.jsock.socket.internal.Sockaddrs.SockaddrIn6;
import io.jsock.socket.internal.Sockaddrs.SockaddrNl;
import io.jsock.socket.internal.Sockaddrs.SockaddrUn;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Every accessor of every C struct the socket package lays out, written and read back, and checked
 * against the C layout.
 *
 * <p>The offsets and sizes below were printed once by a C program compiled with gcc on this x86_64
 * machine (glibc headers, linux/tcp.h of kernel 6.18), using offsetof and sizeof:
 * <pre>
 * sockaddr_in  size 16  family 0 port 2 addr 4
 * sockaddr_in6 size 28  family 0 port 2 flowinfo 4 addr 8 scope_id 24
 * sockaddr_un  size 110 family 0 path 2
 * sockaddr_nl  size 12  family 0 pad 2 pid 4 groups 8
 * sockaddr_storage 128
 * pollfd       size 8   fd 0 events 4 revents 6
 * epoll_event  size 12  events 0 data 4 (packed on x86_64 only: EpollEventLayoutTest asks gcc on each machine)
 * linger       size 8   l_onoff 0 l_linger 4
 * ucred        size 12  pid 0 uid 4 gid 8
 * tcp_info     state 0 retransmits 2 probes 3 backoff 4 rto 8 snd_mss 16 rcv_mss 20 unacked 24 lost 32
 *              rtt 68 rttvar 72 snd_cwnd 80 total_retrans 100 bytes_acked 120 bytes_received 128
 *              segs_out 136 segs_in 140 notsent_bytes 144 bytes_sent 200 bytes_retrans 208
 *              last_data_sent 44 last_data_recv 52 last_ack_recv 56
 *              (sizeof 232; jsock reads the first 216; TcpInfoLayoutTest asks gcc on each machine)
 * </pre>
 */
class StructLayoutTest {
    private static final ValueLayout.OfShort BE_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    @Test
    void theLayoutsAreWhatGccSaysOnThisMachine() throws Exception {
        GccLayout.of("#define _GNU_SOURCE", "#include <sys/socket.h>", "#include <netinet/in.h>", "#include <sys/un.h>",
                        "#include <linux/netlink.h>", "#include <poll.h>")
                .struct("sockaddr_in", SockaddrIn.LAYOUT, "sin_family", "sin_port", "sin_addr")
                .size("sockaddr_in", SockaddrIn.SIZE)
                .struct("sockaddr_in6", SockaddrIn6.LAYOUT, "sin6_family", "sin6_port", "sin6_flowinfo", "sin6_addr", "sin6_scope_id")
                .size("sockaddr_in6", SockaddrIn6.SIZE)
                .struct("sockaddr_un", SockaddrUn.LAYOUT, "sun_family", "sun_path")
                .offset("sockaddr_un", "sun_path", SockaddrUn.PATH_OFFSET)
                .value("sizeof(((struct sockaddr_un *) 0)->sun_path)", SockaddrUn.PATH_MAX)
                .struct("sockaddr_nl", SockaddrNl.LAYOUT, "nl_family", "nl_pad", "nl_pid", "nl_groups")
                .size("sockaddr_nl", SockaddrNl.SIZE)
                .size("sockaddr_storage", Sockaddrs.STORAGE_SIZE)
                .struct("pollfd", Wakeup.POLLFD, "fd", "events", "revents")
                // linger and ucred have no layout in jsock: their codecs' sizes, and the offsets the accessor tests below write at
                .size("linger", Linger.CODEC.size()).offset("linger", "l_onoff", 0).offset("linger", "l_linger", 4)
                .size("ucred", PeerCred.CODEC.size()).offset("ucred", "pid", 0).offset("ucred", "uid", 4).offset("ucred", "gid", 8)
                .matchesGcc();
    }

    @Test
    void sockaddrInHasCsLayoutWithPortAndAddressInNetworkOrder() {
        assertThat(SockaddrIn.SIZE).isEqualTo(16);
        assertThat(SockaddrIn.LAYOUT.byteOffset(PathElement.groupElement("sin_port"))).isEqualTo(2);
        assertThat(SockaddrIn.LAYOUT.byteOffset(PathElement.groupElement("sin_addr"))).isEqualTo(4);
        MemorySegment s = StructBytes.zeroed(16);
        SockaddrIn.sin_family(s, (short) 2);
        SockaddrIn.sin_port(s, 0xABCD);
        SockaddrIn.sin_addr(s, 0x7F000001);
        assertThat(s.get(JAVA_SHORT, 0)).isEqualTo((short) 2);
        assertThat(s.get(JAVA_BYTE, 2)).isEqualTo((byte) 0xAB); // high byte first
        assertThat(s.get(JAVA_BYTE, 3)).isEqualTo((byte) 0xCD);
        assertThat(s.asSlice(4, 4).toArray(JAVA_BYTE)).containsExactly(127, 0, 0, 1);
        assertThat(SockaddrIn.sin_family(s)).isEqualTo((short) 2);
        assertThat(SockaddrIn.sin_port(s)).isEqualTo(0xABCD);
        assertThat(SockaddrIn.sin_addr(s)).isEqualTo(0x7F000001);
        assertThat(Sockaddrs.sa_family(s)).isEqualTo((short) 2);
        // raw bytes in, accessors out
        s.set(BE_SHORT, 2, (short) 9877);
        s.set(BE_INT, 4, 0x0A0D0001);
        assertThat(SockaddrIn.sin_port(s)).isEqualTo(9877);
        assertThat(SockaddrIn.sin_addr(s)).isEqualTo(0x0A0D0001);
        assertThat(s.asSlice(8, 8).toArray(JAVA_BYTE)).as("sin_zero untouched").containsOnly(0);
    }

    @Test
    void sockaddrIn6HasCsLayoutWithScopeIdInHostOrder() {
        assertThat(SockaddrIn6.SIZE).isEqualTo(28);
        assertThat(SockaddrIn6.LAYOUT.byteOffset(PathElement.groupElement("sin6_flowinfo"))).isEqualTo(4);
        assertThat(SockaddrIn6.LAYOUT.byteOffset(PathElement.groupElement("sin6_addr"))).isEqualTo(8);
        assertThat(SockaddrIn6.LAYOUT.byteOffset(PathElement.groupElement("sin6_scope_id"))).isEqualTo(24);
        MemorySegment s = StructBytes.zeroed(28);
        byte[] addr = new byte[16];
        for (int i = 0; i < 16; i++) addr[i] = (byte) (0xf0 + i);
        SockaddrIn6.sin6_family(s, (short) 10);
        SockaddrIn6.sin6_port(s, 443);
        SockaddrIn6.sin6_flowinfo(s, 0x12345);
        SockaddrIn6.sin6_addr(s, addr);
        SockaddrIn6.sin6_scope_id(s, 3);
        assertThat(s.get(JAVA_SHORT, 0)).isEqualTo((short) 10);
        assertThat(s.get(BE_SHORT, 2)).isEqualTo((short) 443);
        assertThat(s.get(BE_INT, 4)).isEqualTo(0x12345);
        assertThat(s.asSlice(8, 16).toArray(JAVA_BYTE)).isEqualTo(addr);
        assertThat(s.get(JAVA_INT, 24)).isEqualTo(3);
        assertThat(SockaddrIn6.sin6_family(s)).isEqualTo((short) 10);
        assertThat(SockaddrIn6.sin6_port(s)).isEqualTo(443);
        assertThat(SockaddrIn6.sin6_flowinfo(s)).isEqualTo(0x12345);
        assertThat(SockaddrIn6.sin6_addr(s)).isEqualTo(addr);
        assertThat(SockaddrIn6.sin6_scope_id(s)).isEqualTo(3);
        s.set(BE_SHORT, 2, (short) 0xffff);
        assertThat(SockaddrIn6.sin6_port(s)).as("ports are unsigned").isEqualTo(65535);
    }

    @Test
    void sockaddrUnHasAPathAfterTheFamily() {
        assertThat(SockaddrUn.LAYOUT.byteSize()).isEqualTo(110);
        assertThat(SockaddrUn.PATH_OFFSET).isEqualTo(2);
        assertThat(SockaddrUn.PATH_MAX).isEqualTo(108);
        MemorySegment s = StructBytes.zeroed(110);
        SockaddrUn.sun_family(s, (short) 1);
        SockaddrUn.sun_path(s, "/tmp/x".getBytes());
        assertThat(s.get(JAVA_SHORT, 0)).isEqualTo((short) 1);
        assertThat(s.asSlice(2, 7).toArray(JAVA_BYTE)).containsExactly('/', 't', 'm', 'p', '/', 'x', 0);
        assertThat(SockaddrUn.sun_family(s)).isEqualTo((short) 1);
        assertThat(SockaddrUn.sun_path(s, 6)).isEqualTo("/tmp/x".getBytes());
    }

    @Test
    void sockaddrNlHasPidAndGroupsAfterPadding() {
        assertThat(SockaddrNl.SIZE).isEqualTo(12);
        MemorySegment s = StructBytes.zeroed(12);
        SockaddrNl.nl_family(s, (short) 16);
        SockaddrNl.nl_pid(s, 4242);
        SockaddrNl.nl_groups(s, 0x11);
        assertThat(s.get(JAVA_SHORT, 0)).isEqualTo((short) 16);
        assertThat(s.get(JAVA_SHORT, 2)).as("nl_pad").isZero();
        assertThat(s.get(JAVA_INT, 4)).isEqualTo(4242);
        assertThat(s.get(JAVA_INT, 8)).isEqualTo(0x11);
        assertThat(SockaddrNl.nl_family(s)).isEqualTo((short) 16);
        assertThat(SockaddrNl.nl_pid(s)).isEqualTo(4242);
        assertThat(SockaddrNl.nl_groups(s)).isEqualTo(0x11);
    }

    @Test
    void theAddressStorageHoldsAnyAddressAndItsLength() {
        assertThat(Sockaddrs.STORAGE_SIZE).isEqualTo(128);
        MemorySegment s = Sockaddrs.storage();
        assertThat(s.byteSize()).isGreaterThanOrEqualTo(132);
        MemorySegment len = Sockaddrs.lengthSlot(s);
        len.set(JAVA_INT, 0, 77);
        assertThat(s.get(JAVA_INT, 128)).isEqualTo(77);
    }

    @Test
    void pollfdHasFdEventsAndReventsInEightBytes() {
        assertThat(Wakeup.POLLFD.byteSize()).isEqualTo(8);
        MemorySegment s = StructBytes.zeroed(16);
        Wakeup.pollfd_fd(s, 1, 33);
        Wakeup.pollfd_events(s, 1, (short) 0x5);
        Wakeup.pollfd_revents(s, 1, (short) 0x18);
        assertThat(s.get(JAVA_INT, 8)).isEqualTo(33);
        assertThat(s.get(JAVA_SHORT, 12)).isEqualTo((short) 0x5);
        assertThat(s.get(JAVA_SHORT, 14)).isEqualTo((short) 0x18);
        assertThat(s.get(JAVA_LONG, 0)).as("element 0 untouched").isZero();
        s.set(JAVA_INT, 0, 7);
        s.set(JAVA_SHORT, 4, (short) 1);
        s.set(JAVA_SHORT, 6, (short) 4);
        assertThat(Wakeup.pollfd_fd(s, 0)).isEqualTo(7);
        assertThat(Wakeup.pollfd_events(s, 0)).isEqualTo((short) 1);
        assertThat(Wakeup.pollfd_revents(s, 0)).isEqualTo((short) 4);
        assertThat(Wakeup.pollfd_fd(s, 1)).isEqualTo(33);
        assertThat(Wakeup.pollfd_events(s, 1)).isEqualTo((short) 0x5);
        assertThat(Wakeup.pollfd_revents(s, 1)).isEqualTo((short) 0x18);
    }

    @Test
    void lingerIsOnoffThenSeconds() {
        MemorySegment s = StructBytes.zeroed(8);
        Linger.l_onoff(s, 1);
        Linger.l_linger(s, 30);
        assertThat(s.get(JAVA_INT, 0)).isEqualTo(1);
        assertThat(s.get(JAVA_INT, 4)).isEqualTo(30);
        assertThat(Linger.l_onoff(s)).isEqualTo(1);
        assertThat(Linger.l_linger(s)).isEqualTo(30);
        assertThat(Linger.CODEC.size()).isEqualTo(8);
        MemorySegment c = StructBytes.zeroed(8);
        Linger.CODEC.encode(Linger.on(7), c);
        assertThat(c.get(JAVA_INT, 0)).isEqualTo(1);
        assertThat(c.get(JAVA_INT, 4)).isEqualTo(7);
        assertThat(Linger.CODEC.decode(c, 8)).isEqualTo(Linger.on(7));
    }

    @Test
    void ucredIsPidUidGid() {
        MemorySegment s = StructBytes.zeroed(12);
        PeerCred.pid(s, 100);
        PeerCred.uid(s, 200);
        PeerCred.gid(s, 300);
        assertThat(s.get(JAVA_INT, 0)).isEqualTo(100);
        assertThat(s.get(JAVA_INT, 4)).isEqualTo(200);
        assertThat(s.get(JAVA_INT, 8)).isEqualTo(300);
        assertThat(PeerCred.pid(s)).isEqualTo(100);
        assertThat(PeerCred.uid(s)).isEqualTo(200);
        assertThat(PeerCred.gid(s)).isEqualTo(300);
        assertThat(PeerCred.CODEC.size()).isEqualTo(12);
        assertThat(PeerCred.CODEC.decode(s, 12)).isEqualTo(new PeerCred(100, 200, 300));
    }

    @Test
    void tcpInfoFieldsAreReadFromTheirCOffsets() {
        assertThat(new int[] {TcpInfo.STATE, TcpInfo.RETRANSMITS, TcpInfo.PROBES, TcpInfo.BACKOFF, TcpInfo.RTO,
                TcpInfo.SND_MSS, TcpInfo.RCV_MSS, TcpInfo.UNACKED, TcpInfo.LOST, TcpInfo.RTT, TcpInfo.RTTVAR,
                TcpInfo.SND_CWND, TcpInfo.TOTAL_RETRANS, TcpInfo.BYTES_ACKED, TcpInfo.BYTES_RECEIVED,
                TcpInfo.SEGS_OUT, TcpInfo.SEGS_IN})
                .containsExactly(0, 2, 3, 4, 8, 16, 20, 24, 32, 68, 72, 80, 100, 120, 128, 136, 140);
        assertThat(new int[] {TcpInfo.LAST_DATA_SENT, TcpInfo.LAST_DATA_RECV, TcpInfo.LAST_ACK_RECV}).containsExactly(44, 52, 56);
        assertThat(TcpInfo.SIZE).isEqualTo(216);
        MemorySegment s = StructBytes.zeroed(TcpInfo.SIZE);
        s.set(JAVA_BYTE, 0, (byte) 1);
        s.set(JAVA_BYTE, 2, (byte) 200); // unsigned char
        s.set(JAVA_BYTE, 3, (byte) 3);
        s.set(JAVA_BYTE, 4, (byte) 4);
        s.set(JAVA_INT, 8, 204000);
        s.set(JAVA_INT, 16, 1448);
        s.set(JAVA_INT, 20, 536);
        s.set(JAVA_INT, 24, 5);
        s.set(JAVA_INT, 32, 6);
        s.set(JAVA_INT, 68, 70);
        s.set(JAVA_INT, 72, 71);
        s.set(JAVA_INT, 80, 10);
        s.set(JAVA_INT, 100, 11);
        s.set(JAVA_LONG, 120, 1L << 40);
        s.set(JAVA_LONG, 128, (1L << 41) + 1);
        s.set(JAVA_INT, 136, 13);
        s.set(JAVA_INT, 140, 14);
        s.set(JAVA_INT, 144, 0x8000_0000);
        s.set(JAVA_LONG, 200, 100_000);
        s.set(JAVA_LONG, 208, 1448);
        s.set(JAVA_INT, 44, 15);
        s.set(JAVA_INT, 52, 16);
        s.set(JAVA_INT, 56, 17);
        assertThat(TcpInfo.tcpi_state(s)).isEqualTo(1);
        assertThat(TcpInfo.tcpi_retransmits(s)).isEqualTo(200);
        assertThat(TcpInfo.tcpi_probes(s)).isEqualTo(3);
        assertThat(TcpInfo.tcpi_backoff(s)).isEqualTo(4);
        assertThat(TcpInfo.tcpi_rto(s)).isEqualTo(204000);
        assertThat(TcpInfo.tcpi_snd_mss(s)).isEqualTo(1448);
        assertThat(TcpInfo.tcpi_rcv_mss(s)).isEqualTo(536);
        assertThat(TcpInfo.tcpi_unacked(s)).isEqualTo(5);
        assertThat(TcpInfo.tcpi_lost(s)).isEqualTo(6);
        assertThat(TcpInfo.tcpi_rtt(s)).isEqualTo(70);
        assertThat(TcpInfo.tcpi_rttvar(s)).isEqualTo(71);
        assertThat(TcpInfo.tcpi_snd_cwnd(s)).isEqualTo(10);
        assertThat(TcpInfo.tcpi_total_retrans(s)).isEqualTo(11);
        assertThat(TcpInfo.tcpi_bytes_acked(s)).isEqualTo(1L << 40);
        assertThat(TcpInfo.tcpi_bytes_received(s)).isEqualTo((1L << 41) + 1);
        assertThat(TcpInfo.tcpi_segs_out(s)).isEqualTo(13);
        assertThat(TcpInfo.tcpi_segs_in(s)).isEqualTo(14);
        assertThat(TcpInfo.tcpi_notsent_bytes(s)).as("unsigned").isEqualTo(0x8000_0000L);
        assertThat(TcpInfo.tcpi_bytes_sent(s)).isEqualTo(100_000);
        assertThat(TcpInfo.tcpi_bytes_retrans(s)).isEqualTo(1448);
        assertThat(TcpInfo.tcpi_last_data_sent(s)).isEqualTo(15);
        assertThat(TcpInfo.tcpi_last_data_recv(s)).isEqualTo(16);
        assertThat(TcpInfo.tcpi_last_ack_recv(s)).isEqualTo(17);
        assertThat(TcpInfo.decode(s)).isEqualTo(new TcpInfo(TcpState.ESTABLISHED, 200, 3, 4, 204000, 1448, 536, 5, 6,
                70, 71, 10, 11, 1L << 40, (1L << 41) + 1, 13, 14, 0x8000_0000L, 100_000, 1448, 15, 16, 17));
        assertThat(TcpInfo.decode(s, 144)).as("an older kernel's shorter struct")
                .extracting(TcpInfo::notsentBytes, TcpInfo::bytesSent, TcpInfo::bytesRetrans).containsExactly(-1L, -1L, -1L);
    }

    @Test
    void tcpStatesAreNumberedAsLinuxNumbersThem() {
        assertThat(TcpState.of(1)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(TcpState.of(2)).isEqualTo(TcpState.SYN_SENT);
        assertThat(TcpState.of(7)).isEqualTo(TcpState.CLOSE);
        assertThat(TcpState.of(8)).isEqualTo(TcpState.CLOSE_WAIT);
        assertThat(TcpState.of(10)).isEqualTo(TcpState.LISTEN);
        assertThat(TcpState.of(12)).isEqualTo(TcpState.NEW_SYN_RECV);
        assertThat(TcpState.of(99)).isEqualTo(TcpState.UNKNOWN);
        assertThat(TcpState.LISTEN.bit()).isEqualTo(1 << 10);
    }
}
