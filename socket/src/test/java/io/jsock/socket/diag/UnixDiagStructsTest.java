package io.jsock.socket.diag;

import static io.jsock.socket.StructBytes.zeroed;
import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.GccLayout;
import io.jsock.socket.StructBytes;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SocketType;
import io.jsock.socket.TcpState;
import io.jsock.socket.diag.SockDiagStructs.NlMsgHdr;
import io.jsock.socket.diag.SockDiagStructs.RtAttr;
import io.jsock.socket.diag.UnixDiagStructs.UnixDiagMsg;
import io.jsock.socket.diag.UnixDiagStructs.UnixDiagReq;
import io.jsock.socket.diag.UnixDiagStructs.UnixDiagRqlen;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The unix_diag structs: their sizes and offsets as gcc lays them out from linux/unix_diag.h on this
 * machine, every accessor against those offsets, and a reply decoded with its attributes.
 */
class UnixDiagStructsTest {
    @Test
    void theLayoutsAreWhatGccSaysOnThisMachine() throws Exception {
        GccLayout.of("#include <linux/unix_diag.h>")
                .struct("unix_diag_req", UnixDiagReq.LAYOUT, "sdiag_family", "sdiag_protocol", "pad", "udiag_states", "udiag_ino",
                        "udiag_show", "udiag_cookie")
                .struct("unix_diag_msg", UnixDiagMsg.LAYOUT, "udiag_family", "udiag_type", "udiag_state", "pad", "udiag_ino",
                        "udiag_cookie")
                .struct("unix_diag_rqlen", UnixDiagRqlen.LAYOUT, "udiag_rqueue", "udiag_wqueue")
                .value("UDIAG_SHOW_NAME", UnixDiagStructs.UDIAG_SHOW_NAME)
                .value("UDIAG_SHOW_PEER", UnixDiagStructs.UDIAG_SHOW_PEER)
                .value("UDIAG_SHOW_RQLEN", UnixDiagStructs.UDIAG_SHOW_RQLEN)
                .value("UNIX_DIAG_NAME", UnixDiagStructs.UNIX_DIAG_NAME)
                .value("UNIX_DIAG_PEER", UnixDiagStructs.UNIX_DIAG_PEER)
                .value("UNIX_DIAG_RQLEN", UnixDiagStructs.UNIX_DIAG_RQLEN)
                .matchesGcc();
        assertThat(UnixDiagReq.SIZE).isEqualTo(24);
        assertThat(UnixDiagMsg.SIZE).isEqualTo(16);
        assertThat(UnixDiagRqlen.SIZE).isEqualTo(8);
    }

    @Test
    void unixDiagReqFieldsSitAtTheirOffsets() {
        MemorySegment s = zeroed(UnixDiagReq.SIZE);
        UnixDiagReq.sdiag_family(s, 1);
        UnixDiagReq.sdiag_protocol(s, 0x7f);
        UnixDiagReq.udiag_states(s, 0x482);
        UnixDiagReq.udiag_ino(s, 0xfedc_ba98L);
        UnixDiagReq.udiag_show(s, 0x15);
        UnixDiagReq.udiag_cookie(s, 0x0000_0003_8000_0004L);
        ByteBuffer b = StructBytes.hostOrder(s);
        assertThat(b.get(0)).isEqualTo((byte) 1);
        assertThat(b.get(1)).isEqualTo((byte) 0x7f);
        assertThat(b.getShort(2)).as("pad").isZero();
        assertThat(b.getInt(4)).isEqualTo(0x482);
        assertThat(b.getInt(8)).isEqualTo(0xfedc_ba98);
        assertThat(b.getInt(12)).isEqualTo(0x15);
        assertThat(b.getInt(16)).isEqualTo(0x8000_0004);
        assertThat(b.getInt(20)).isEqualTo(3);
        assertThat(UnixDiagReq.sdiag_family(s)).isEqualTo(1);
        assertThat(UnixDiagReq.sdiag_protocol(s)).isEqualTo(0x7f);
        assertThat(UnixDiagReq.udiag_states(s)).isEqualTo(0x482);
        assertThat(UnixDiagReq.udiag_ino(s)).isEqualTo(0xfedc_ba98L);
        assertThat(UnixDiagReq.udiag_show(s)).isEqualTo(0x15);
        assertThat(UnixDiagReq.udiag_cookie(s)).isEqualTo(0x0000_0003_8000_0004L);
    }

    @Test
    void unixDiagMsgFieldsSitAtTheirOffsets() {
        MemorySegment s = zeroed(UnixDiagMsg.SIZE);
        UnixDiagMsg.udiag_family(s, 1);
        UnixDiagMsg.udiag_type(s, 5);
        UnixDiagMsg.udiag_state(s, 10);
        UnixDiagMsg.udiag_ino(s, 0x8000_0001L);
        UnixDiagMsg.udiag_cookie(s, 0x0000_0002_0000_0009L);
        ByteBuffer b = StructBytes.hostOrder(s);
        assertThat(b.get(0)).isEqualTo((byte) 1);
        assertThat(b.get(1)).isEqualTo((byte) 5);
        assertThat(b.get(2)).isEqualTo((byte) 10);
        assertThat(b.get(3)).as("pad").isZero();
        assertThat(b.getInt(4)).isEqualTo(0x8000_0001);
        assertThat(b.getInt(8)).isEqualTo(9);
        assertThat(b.getInt(12)).isEqualTo(2);
        assertThat(UnixDiagMsg.udiag_family(s)).isEqualTo(1);
        assertThat(UnixDiagMsg.udiag_type(s)).isEqualTo(5);
        assertThat(UnixDiagMsg.udiag_state(s)).isEqualTo(10);
        assertThat(UnixDiagMsg.udiag_ino(s)).isEqualTo(0x8000_0001L);
        assertThat(UnixDiagMsg.udiag_cookie(s)).isEqualTo(0x0000_0002_0000_0009L);
    }

    @Test
    void unixDiagRqlenIsTheReadThenTheWriteQueue() {
        MemorySegment s = zeroed(UnixDiagRqlen.SIZE);
        UnixDiagRqlen.udiag_rqueue(s, 7);
        UnixDiagRqlen.udiag_wqueue(s, 0xffff_fff0L);
        ByteBuffer b = StructBytes.hostOrder(s);
        assertThat(b.getInt(0)).isEqualTo(7);
        assertThat(b.getInt(4)).isEqualTo(0xffff_fff0);
        assertThat(UnixDiagRqlen.udiag_rqueue(s)).isEqualTo(7);
        assertThat(UnixDiagRqlen.udiag_wqueue(s)).isEqualTo(0xffff_fff0L);
    }

    @Test
    void aUnixDumpRequestAsksForNamesPeersAndQueues() {
        MemorySegment m = zeroed(NlMsgHdr.SIZE + UnixDiagReq.SIZE);
        SockDiag.writeUnixRequest(m, 99, TcpState.LISTEN.bit());
        assertThat(NlMsgHdr.nlmsg_len(m)).isEqualTo(40);
        assertThat(NlMsgHdr.nlmsg_type(m)).isEqualTo(20);
        assertThat(NlMsgHdr.nlmsg_flags(m)).isEqualTo(0x301);
        assertThat(NlMsgHdr.nlmsg_seq(m)).isEqualTo(99);
        MemorySegment req = m.asSlice(16);
        assertThat(UnixDiagReq.sdiag_family(req)).isEqualTo(1);
        assertThat(UnixDiagReq.udiag_states(req)).isEqualTo(1 << 10);
        assertThat(UnixDiagReq.udiag_show(req)).isEqualTo(0x01 | 0x04 | 0x10);
    }

    @Test
    void aReplyWithItsAttributesBecomesAUnixDiagSocket() {
        byte[] name = "\0jsock-abstract".getBytes(StandardCharsets.UTF_8);
        int nameAttr = SockDiagStructs.nlmsgAlign(RtAttr.SIZE + name.length);
        MemorySegment m = zeroed(UnixDiagMsg.SIZE + nameAttr + 8 + 12);
        UnixDiagMsg.udiag_family(m, 1);
        UnixDiagMsg.udiag_type(m, SocketType.SEQPACKET.value());
        UnixDiagMsg.udiag_state(m, TcpState.ESTABLISHED.ordinal());
        UnixDiagMsg.udiag_ino(m, 4321);
        MemorySegment a = m.asSlice(UnixDiagMsg.SIZE);
        RtAttr.rta_len(a, RtAttr.SIZE + name.length);
        RtAttr.rta_type(a, UnixDiagStructs.UNIX_DIAG_NAME);
        MemorySegment.copy(MemorySegment.ofArray(name), 0, a, RtAttr.SIZE, name.length);
        MemorySegment peer = a.asSlice(nameAttr);
        RtAttr.rta_len(peer, 8);
        RtAttr.rta_type(peer, UnixDiagStructs.UNIX_DIAG_PEER);
        peer.set(ValueLayout.JAVA_INT, 4, 4322);
        MemorySegment rq = peer.asSlice(8);
        RtAttr.rta_len(rq, 12);
        RtAttr.rta_type(rq, UnixDiagStructs.UNIX_DIAG_RQLEN);
        UnixDiagRqlen.udiag_rqueue(rq.asSlice(4), 3);
        UnixDiagRqlen.udiag_wqueue(rq.asSlice(4), 768);
        UnixDiagSocket u = UnixDiag.decode(m);
        assertThat(u).isEqualTo(new UnixDiagSocket(SocketType.SEQPACKET, TcpState.ESTABLISHED,
                SockAddr.Local.abstractName("jsock-abstract"), 4321, 4322, 3, 768, 0));
        assertThat(UnixDiag.decode(m.asSlice(0, UnixDiagMsg.SIZE)).name().isUnnamed()).isTrue();
        assertThat(UnixDiag.name(MemorySegment.ofArray("/run/x\0".getBytes(StandardCharsets.UTF_8)))).isEqualTo(SockAddr.Local.path("/run/x"));
    }
}
