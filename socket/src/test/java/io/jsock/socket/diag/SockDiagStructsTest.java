package io.jsock.socket.diag;

import io.jsock.socket.Family;
import io.jsock.socket.SockAddr;
import io.jsock.socket.StructBytes;
import io.jsock.socket.TcpState;

import static io.jsock.socket.StructBytes.zeroed;
import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.diag.SockDiagStructs.InetDiagBcOp;
import io.jsock.socket.diag.SockDiagStructs.InetDiagMsg;
import io.jsock.socket.diag.SockDiagStructs.InetDiagReqV2;
import io.jsock.socket.diag.SockDiagStructs.InetDiagSockId;
import io.jsock.socket.diag.SockDiagStructs.NlMsgErr;
import io.jsock.socket.diag.SockDiagStructs.NlMsgHdr;
import io.jsock.socket.diag.SockDiagStructs.RtAttr;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Every accessor of the netlink and inet_diag structs, held against the C offsets and byte orders of
 * linux/netlink.h and linux/inet_diag.h: what a setter writes lands at the field's offset, and what
 * is at the offset is what the getter reads.
 */
class SockDiagStructsTest {

    @Test
    void structSizesMatchTheKernelHeaders() {
        assertThat(NlMsgHdr.SIZE).isEqualTo(16);
        assertThat(NlMsgErr.SIZE).isEqualTo(20);
        assertThat(InetDiagSockId.SIZE).isEqualTo(48);
        assertThat(InetDiagReqV2.SIZE).isEqualTo(56);
        assertThat(InetDiagMsg.SIZE).isEqualTo(72);
        assertThat(SockDiagStructs.nlmsgAlign(17)).isEqualTo(20);
        assertThat(SockDiagStructs.nlmsgAlign(72)).isEqualTo(72);
    }

    @Test
    void nlmsghdrFieldsSitAtTheirOffsetsInHostOrder() {
        MemorySegment s = zeroed(NlMsgHdr.SIZE);
        NlMsgHdr.nlmsg_len(s, 0x11223344);
        NlMsgHdr.nlmsg_type(s, 0xfedc);
        NlMsgHdr.nlmsg_flags(s, 0x0302);
        NlMsgHdr.nlmsg_seq(s, 0x55667788);
        NlMsgHdr.nlmsg_pid(s, 0x99aabbcc);
        ByteBuffer b = StructBytes.hostOrder(s);
        assertThat(b.getInt(0)).isEqualTo(0x11223344);
        assertThat(Short.toUnsignedInt(b.getShort(4))).isEqualTo(0xfedc);
        assertThat(Short.toUnsignedInt(b.getShort(6))).isEqualTo(0x0302);
        assertThat(b.getInt(8)).isEqualTo(0x55667788);
        assertThat(b.getInt(12)).isEqualTo(0x99aabbcc);
        assertThat(NlMsgHdr.nlmsg_len(s)).isEqualTo(0x11223344);
        assertThat(NlMsgHdr.nlmsg_type(s)).isEqualTo(0xfedc);
        assertThat(NlMsgHdr.nlmsg_flags(s)).isEqualTo(0x0302);
        assertThat(NlMsgHdr.nlmsg_seq(s)).isEqualTo(0x55667788);
        assertThat(NlMsgHdr.nlmsg_pid(s)).isEqualTo(0x99aabbcc);
    }

    @Test
    void nlmsgerrCarriesTheErrorThenTheFailedHeader() {
        MemorySegment s = zeroed(NlMsgErr.SIZE);
        NlMsgErr.error(s, -2);
        NlMsgHdr.nlmsg_seq(NlMsgErr.msg(s), 4242);
        NlMsgHdr.nlmsg_type(NlMsgErr.msg(s), 20);
        ByteBuffer b = StructBytes.hostOrder(s);
        assertThat(b.getInt(0)).isEqualTo(-2);
        assertThat(b.getShort(4 + 4)).isEqualTo((short) 20);
        assertThat(b.getInt(4 + 8)).isEqualTo(4242);
        assertThat(NlMsgErr.error(s)).isEqualTo(-2);
        assertThat(NlMsgErr.msg(s).byteSize()).isEqualTo(16);
        assertThat(NlMsgHdr.nlmsg_seq(NlMsgErr.msg(s))).isEqualTo(4242);
    }

    @Test
    void inetDiagSockidPortsAndAddressesAreInNetworkOrder() {
        MemorySegment s = zeroed(InetDiagSockId.SIZE);
        InetDiagSockId.idiag_sport(s, 0x1f90); // 8080
        InetDiagSockId.idiag_dport(s, 0xc350); // 50000
        byte[] src = {127, 0, 0, 1};
        byte[] dst = new byte[16];
        dst[15] = 1;
        InetDiagSockId.idiag_src(s, src);
        InetDiagSockId.idiag_dst(s, dst);
        InetDiagSockId.idiag_if(s, 7);
        InetDiagSockId.idiag_cookie(s, 0x0000_0001_8000_0002L);
        byte[] b = s.toArray(ValueLayout.JAVA_BYTE);
        assertThat(new byte[] {b[0], b[1]}).containsExactly(0x1f, (byte) 0x90);
        assertThat(new byte[] {b[2], b[3]}).containsExactly((byte) 0xc3, 0x50);
        assertThat(java.util.Arrays.copyOfRange(b, 4, 8)).containsExactly(127, 0, 0, 1);
        assertThat(java.util.Arrays.copyOfRange(b, 8, 20)).containsOnly(0);
        assertThat(java.util.Arrays.copyOfRange(b, 20, 36)).containsExactly(dst);
        ByteBuffer le = StructBytes.hostOrder(s);
        assertThat(le.getInt(36)).isEqualTo(7);
        assertThat(le.getInt(40)).isEqualTo(0x8000_0002); // cookie[0]: the low word
        assertThat(le.getInt(44)).isEqualTo(1); // cookie[1]: the high word
        assertThat(InetDiagSockId.idiag_sport(s)).isEqualTo(8080);
        assertThat(InetDiagSockId.idiag_dport(s)).isEqualTo(50000);
        assertThat(InetDiagSockId.idiag_src(s)).startsWith(src).hasSize(16);
        assertThat(InetDiagSockId.idiag_dst(s)).containsExactly(dst);
        assertThat(InetDiagSockId.idiag_if(s)).isEqualTo(7);
        assertThat(InetDiagSockId.idiag_cookie(s)).isEqualTo(0x0000_0001_8000_0002L);
    }

    @Test
    void inetDiagReqV2HasItsHeaderBytesThenTheStatesThenTheSockid() {
        MemorySegment s = zeroed(InetDiagReqV2.SIZE);
        InetDiagReqV2.sdiag_family(s, 10);
        InetDiagReqV2.sdiag_protocol(s, 6);
        InetDiagReqV2.idiag_ext(s, 0x81);
        InetDiagReqV2.idiag_states(s, TcpState.LISTEN.bit() | TcpState.SYN_RECV.bit());
        InetDiagSockId.idiag_sport(InetDiagReqV2.id(s), 443);
        ByteBuffer b = StructBytes.hostOrder(s);
        assertThat(b.get(0)).isEqualTo((byte) 10);
        assertThat(b.get(1)).isEqualTo((byte) 6);
        assertThat(b.get(2)).isEqualTo((byte) 0x81);
        assertThat(b.get(3)).isZero();
        assertThat(b.getInt(4)).isEqualTo(1 << 10 | 1 << 3);
        assertThat(b.order(ByteOrder.BIG_ENDIAN).getShort(8)).isEqualTo((short) 443);
        assertThat(InetDiagReqV2.sdiag_family(s)).isEqualTo(10);
        assertThat(InetDiagReqV2.sdiag_protocol(s)).isEqualTo(6);
        assertThat(InetDiagReqV2.idiag_ext(s)).isEqualTo(0x81);
        assertThat(InetDiagReqV2.idiag_states(s)).isEqualTo(0x408);
        assertThat(InetDiagReqV2.id(s).byteSize()).isEqualTo(48);
        assertThat(InetDiagSockId.idiag_sport(InetDiagReqV2.id(s))).isEqualTo(443);
    }

    @Test
    void inetDiagMsgFieldsSitAtTheirOffsets() {
        MemorySegment s = zeroed(InetDiagMsg.SIZE);
        InetDiagMsg.idiag_family(s, 2);
        InetDiagMsg.idiag_state(s, 10);
        InetDiagMsg.idiag_timer(s, 1);
        InetDiagMsg.idiag_retrans(s, 3);
        InetDiagSockId.idiag_dport(InetDiagMsg.id(s), 22);
        InetDiagMsg.idiag_expires(s, 0xfffffff0L);
        InetDiagMsg.idiag_rqueue(s, 5);
        InetDiagMsg.idiag_wqueue(s, 128);
        InetDiagMsg.idiag_uid(s, 65534);
        InetDiagMsg.idiag_inode(s, 0x8000_0001L);
        ByteBuffer b = StructBytes.hostOrder(s);
        assertThat(b.get(0)).isEqualTo((byte) 2);
        assertThat(b.get(1)).isEqualTo((byte) 10);
        assertThat(b.get(2)).isEqualTo((byte) 1);
        assertThat(b.get(3)).isEqualTo((byte) 3);
        assertThat(b.order(ByteOrder.BIG_ENDIAN).getShort(4 + 2)).isEqualTo((short) 22);
        b.order(ByteOrder.nativeOrder());
        assertThat(b.getInt(52)).isEqualTo(0xfffffff0);
        assertThat(b.getInt(56)).isEqualTo(5);
        assertThat(b.getInt(60)).isEqualTo(128);
        assertThat(b.getInt(64)).isEqualTo(65534);
        assertThat(b.getInt(68)).isEqualTo(0x8000_0001);
        assertThat(InetDiagMsg.idiag_family(s)).isEqualTo(2);
        assertThat(InetDiagMsg.idiag_state(s)).isEqualTo(10);
        assertThat(InetDiagMsg.idiag_timer(s)).isEqualTo(1);
        assertThat(InetDiagMsg.idiag_retrans(s)).isEqualTo(3);
        assertThat(InetDiagSockId.idiag_dport(InetDiagMsg.id(s))).isEqualTo(22);
        assertThat(InetDiagMsg.idiag_expires(s)).isEqualTo(0xfffffff0L);
        assertThat(InetDiagMsg.idiag_rqueue(s)).isEqualTo(5);
        assertThat(InetDiagMsg.idiag_wqueue(s)).isEqualTo(128);
        assertThat(InetDiagMsg.idiag_uid(s)).isEqualTo(65534);
        assertThat(InetDiagMsg.idiag_inode(s)).isEqualTo(0x8000_0001L);
    }

    @Test
    void rtattrHasItsLengthThenItsType() {
        MemorySegment s = zeroed(RtAttr.SIZE);
        RtAttr.rta_len(s, 5);
        RtAttr.rta_type(s, 0xabcd);
        ByteBuffer b = StructBytes.hostOrder(s);
        assertThat(b.getShort(0)).isEqualTo((short) 5);
        assertThat(Short.toUnsignedInt(b.getShort(2))).isEqualTo(0xabcd);
        assertThat(RtAttr.SIZE).isEqualTo(4);
        assertThat(RtAttr.rta_len(s)).isEqualTo(5);
        assertThat(RtAttr.rta_type(s)).isEqualTo(0xabcd);
    }

    @Test
    void theV6onlyAttributeAfterTheMessageIsFoundPastOtherAttributes() {
        MemorySegment s = zeroed(InetDiagMsg.SIZE + 8 + 8);
        MemorySegment other = s.asSlice(InetDiagMsg.SIZE);
        RtAttr.rta_len(other, 6); // a 2-byte value, padded to 8
        RtAttr.rta_type(other, 5);
        MemorySegment v6only = s.asSlice(InetDiagMsg.SIZE + 8);
        RtAttr.rta_len(v6only, 5);
        RtAttr.rta_type(v6only, SockDiagStructs.INET_DIAG_SKV6ONLY);
        assertThat(SockDiag.v6only(s)).isFalse();
        v6only.set(ValueLayout.JAVA_BYTE, 4, (byte) 1);
        assertThat(SockDiag.v6only(s)).isTrue();
        assertThat(SockDiag.v6only(s.asSlice(0, InetDiagMsg.SIZE))).isFalse();
    }

    @Test
    void aDecodedMessageBecomesADiagSocket() {
        MemorySegment s = zeroed(InetDiagMsg.SIZE);
        InetDiagMsg.idiag_family(s, Family.INET6.af());
        InetDiagMsg.idiag_state(s, TcpState.LISTEN.ordinal());
        MemorySegment id = InetDiagMsg.id(s);
        byte[] one = new byte[16];
        one[15] = 1;
        InetDiagSockId.idiag_src(id, one);
        InetDiagSockId.idiag_sport(id, 9877);
        InetDiagMsg.idiag_rqueue(s, 3);
        InetDiagMsg.idiag_wqueue(s, 2);
        InetDiagMsg.idiag_inode(s, 12345);
        DiagSocket d = SockDiag.decode(s);
        assertThat(d.family()).isEqualTo(Family.INET6);
        assertThat(d.state()).isEqualTo(TcpState.LISTEN);
        assertThat(d.local()).isEqualTo(SockAddr.loopback6(9877));
        assertThat(d.peer()).isEqualTo(SockAddr.anyInet6(0));
        assertThat(d.rqueue()).isEqualTo(3);
        assertThat(d.wqueue()).isEqualTo(2);
        assertThat(d.inode()).isEqualTo(12345);
    }

    @Test
    void aDumpRequestAsksForEveryMatchingSocketOfTheFamily() {
        MemorySegment m = zeroed(NlMsgHdr.SIZE + InetDiagReqV2.SIZE);
        assertThat(SockDiag.writeRequest(m, 77, 2, 6, TcpState.LISTEN.bit(), -1)).isEqualTo(72);
        assertThat(NlMsgHdr.nlmsg_len(m)).isEqualTo(72);
        assertThat(NlMsgHdr.nlmsg_type(m)).isEqualTo(20);
        assertThat(NlMsgHdr.nlmsg_flags(m)).isEqualTo(0x301);
        assertThat(NlMsgHdr.nlmsg_seq(m)).isEqualTo(77);
        MemorySegment req = m.asSlice(16);
        assertThat(InetDiagReqV2.sdiag_family(req)).isEqualTo(2);
        assertThat(InetDiagReqV2.sdiag_protocol(req)).isEqualTo(6);
        assertThat(InetDiagReqV2.idiag_states(req)).isEqualTo(1 << 10);
    }

    @Test
    void inetDiagBcOpIsCodeYesThenNoInHostOrder() {
        MemorySegment s = zeroed(InetDiagBcOp.SIZE);
        InetDiagBcOp.code(s, 11);
        InetDiagBcOp.yes(s, 200);
        InetDiagBcOp.no(s, 0xbeef);
        ByteBuffer b = StructBytes.hostOrder(s);
        assertThat(InetDiagBcOp.SIZE).isEqualTo(4);
        assertThat(b.get(0)).isEqualTo((byte) 11);
        assertThat(b.get(1)).isEqualTo((byte) 200);
        assertThat(Short.toUnsignedInt(b.getShort(2))).isEqualTo(0xbeef);
        assertThat(InetDiagBcOp.code(s)).isEqualTo(11);
        assertThat(InetDiagBcOp.yes(s)).isEqualTo(200);
        assertThat(InetDiagBcOp.no(s)).isEqualTo(0xbeef);
    }

    @Test
    void aPortFilterIsTwoPortComparisonsJoinedByAJump() {
        MemorySegment m = zeroed(NlMsgHdr.SIZE + InetDiagReqV2.SIZE + SockDiag.PORT_FILTER_SIZE);
        int len = SockDiag.writeRequest(m, 1, 2, 6, -1, 8080);
        assertThat(len).isEqualTo(16 + 56 + 24);
        assertThat(NlMsgHdr.nlmsg_len(m)).isEqualTo(len);
        ByteBuffer b = StructBytes.hostOrder(m.asSlice(72));
        assertThat(b.getShort(0)).isEqualTo((short) 24); // rta_len
        assertThat(b.getShort(2)).isEqualTo((short) 1); // INET_DIAG_REQ_BYTECODE
        // S_EQ(11) yes 8 no 12, port 8080; JMP(1) yes 4 no 12; D_EQ(12) yes 8 no 12, port 8080 (host order).
        // (iproute2's ss joins "A or B" with the same JMP, but compares ports with S_COND/D_COND ops.)
        byte[] program = java.util.Arrays.copyOfRange(m.asSlice(76, 20).toArray(ValueLayout.JAVA_BYTE), 0, 20);
        assertThat(program).containsExactly(
                0x0b, 0x08, 0x0c, 0x00, 0x00, 0x00, (byte) 0x90, 0x1f, 0x01, 0x04, 0x0c, 0x00,
                0x0c, 0x08, 0x0c, 0x00, 0x00, 0x00, (byte) 0x90, 0x1f);
    }
}
