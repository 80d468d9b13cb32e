package io.jsock.socket;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * The parts of {@code struct tcp_info} ({@code linux/tcp.h}, read with TCP_INFO) that tell what a
 * connection went through. Times are in microseconds unless named otherwise.
 *
 * @param state        tcpi_state
 * @param retransmits  tcpi_retransmits: retransmissions of the current segment (SYNs while connecting)
 * @param probes       tcpi_probes
 * @param backoff      tcpi_backoff: the exponential backoff of the retransmission timer
 * @param rto          tcpi_rto
 * @param sndMss       tcpi_snd_mss
 * @param rcvMss       tcpi_rcv_mss
 * @param unacked      tcpi_unacked
 * @param lost         tcpi_lost
 * @param rtt          tcpi_rtt
 * @param rttvar       tcpi_rttvar
 * @param sndCwnd      tcpi_snd_cwnd (segments)
 * @param totalRetrans tcpi_total_retrans
 * @param bytesAcked   tcpi_bytes_acked
 * @param bytesReceived tcpi_bytes_received
 * @param segsOut      tcpi_segs_out
 * @param segsIn       tcpi_segs_in
 * @param notsentBytes tcpi_notsent_bytes: bytes written and not yet sent ({@code write_seq - snd_nxt}; a FIN
 *                     queued and not sent counts one); -1 from a kernel older than 4.6
 * @param bytesSent    tcpi_bytes_sent: data bytes sent, retransmissions included (no headers, no FIN); -1 from
 *                     a kernel older than 4.19
 * @param bytesRetrans tcpi_bytes_retrans: data bytes retransmitted; -1 from a kernel older than 4.19
 * @param lastDataSent tcpi_last_data_sent: milliseconds since data was last sent
 * @param lastDataRecv tcpi_last_data_recv: milliseconds since data was last received
 * @param lastAckRecv  tcpi_last_ack_recv: milliseconds since an ACK was last received
 */
public record TcpInfo(TcpState state, int retransmits, int probes, int backoff, int rto, int sndMss, int rcvMss,
        int unacked, int lost, int rtt, int rttvar, int sndCwnd, int totalRetrans, long bytesAcked,
        long bytesReceived, int segsOut, int segsIn, long notsentBytes, long bytesSent, long bytesRetrans,
        int lastDataSent, int lastDataRecv, int lastAckRecv) {

    /** Offsets in {@code struct tcp_info} (stable kernel ABI: fields are only ever appended). */
    static final int STATE = 0, RETRANSMITS = 2, PROBES = 3, BACKOFF = 4, RTO = 8, SND_MSS = 16, RCV_MSS = 20,
            UNACKED = 24, LOST = 32, RTT = 68, RTTVAR = 72, SND_CWND = 80, TOTAL_RETRANS = 100,
            BYTES_ACKED = 120, BYTES_RECEIVED = 128, SEGS_OUT = 136, SEGS_IN = 140, NOTSENT_BYTES = 144,
            BYTES_SENT = 200, BYTES_RETRANS = 208, SIZE = 216,
            LAST_DATA_SENT = 44, LAST_DATA_RECV = 52, LAST_ACK_RECV = 56;

    static int tcpi_state(MemorySegment s) { return Byte.toUnsignedInt(s.get(JAVA_BYTE, STATE)); }
    static int tcpi_retransmits(MemorySegment s) { return Byte.toUnsignedInt(s.get(JAVA_BYTE, RETRANSMITS)); }
    static int tcpi_probes(MemorySegment s) { return Byte.toUnsignedInt(s.get(JAVA_BYTE, PROBES)); }
    static int tcpi_backoff(MemorySegment s) { return Byte.toUnsignedInt(s.get(JAVA_BYTE, BACKOFF)); }
    static int tcpi_rto(MemorySegment s) { return s.get(JAVA_INT, RTO); }
    static int tcpi_snd_mss(MemorySegment s) { return s.get(JAVA_INT, SND_MSS); }
    static int tcpi_rcv_mss(MemorySegment s) { return s.get(JAVA_INT, RCV_MSS); }
    static int tcpi_unacked(MemorySegment s) { return s.get(JAVA_INT, UNACKED); }
    static int tcpi_lost(MemorySegment s) { return s.get(JAVA_INT, LOST); }
    static int tcpi_rtt(MemorySegment s) { return s.get(JAVA_INT, RTT); }
    static int tcpi_rttvar(MemorySegment s) { return s.get(JAVA_INT, RTTVAR); }
    static int tcpi_snd_cwnd(MemorySegment s) { return s.get(JAVA_INT, SND_CWND); }
    static int tcpi_total_retrans(MemorySegment s) { return s.get(JAVA_INT, TOTAL_RETRANS); }
    static long tcpi_bytes_acked(MemorySegment s) { return s.get(JAVA_LONG, BYTES_ACKED); }
    static long tcpi_bytes_received(MemorySegment s) { return s.get(JAVA_LONG, BYTES_RECEIVED); }
    static int tcpi_segs_out(MemorySegment s) { return s.get(JAVA_INT, SEGS_OUT); }
    static int tcpi_segs_in(MemorySegment s) { return s.get(JAVA_INT, SEGS_IN); }
    static long tcpi_notsent_bytes(MemorySegment s) { return Integer.toUnsignedLong(s.get(JAVA_INT, NOTSENT_BYTES)); }
    static long tcpi_bytes_sent(MemorySegment s) { return s.get(JAVA_LONG, BYTES_SENT); }
    static long tcpi_bytes_retrans(MemorySegment s) { return s.get(JAVA_LONG, BYTES_RETRANS); }
    static int tcpi_last_data_sent(MemorySegment s) { return s.get(JAVA_INT, LAST_DATA_SENT); }
    static int tcpi_last_data_recv(MemorySegment s) { return s.get(JAVA_INT, LAST_DATA_RECV); }
    static int tcpi_last_ack_recv(MemorySegment s) { return s.get(JAVA_INT, LAST_ACK_RECV); }

    /**
     * The bytes the application wrote, worked out from the kernel's counts alone (for a socket whose
     * writer was another process): each byte sent once ({@code bytes_sent - bytes_retrans}: a
     * retransmission is counted in both) plus those still waiting to be sent, less the FIN when it is
     * among them. A FIN sent is in neither count. Exact whatever the peer has acknowledged.
     *
     * @return the bytes written to this connection, or -1 when the kernel does not report the counts (before 4.19)
     */
    public long bytesWritten() {
        if (bytesSent < 0 || bytesRetrans < 0 || notsentBytes < 0) return -1;
        boolean finQueued = state == TcpState.FIN_WAIT1 || state == TcpState.CLOSING || state == TcpState.LAST_ACK;
        return bytesSent - bytesRetrans + notsentBytes - (finQueued && notsentBytes > 0 ? 1 : 0);
    }

    /**
     * The bytes the peer sent that arrived in order ({@code tcpi_bytes_received}), less the FIN that
     * the kernel counts as one when it came. A socket still held in CLOSE got there by the FINs of both
     * ends (FIN_WAIT2 or LAST_ACK, then CLOSE) or by a reset or a timeout: this takes the first; the
     * caller that knows of a reset (SO_ERROR) reads {@link #bytesReceived()} instead.
     *
     * @return the data bytes received
     */
    public long dataReceived() {
        boolean finIn = state == TcpState.CLOSE_WAIT || state == TcpState.LAST_ACK || state == TcpState.CLOSING
                || state == TcpState.TIME_WAIT || state == TcpState.CLOSE;
        return bytesReceived - (finIn ? 1 : 0);
    }

    static TcpInfo decode(MemorySegment s) {
        return decode(s, SIZE);
    }

    /** {@code len}: what the kernel wrote; a field past it (an older kernel's shorter struct) is -1. */
    static TcpInfo decode(MemorySegment s, int len) {
        return new TcpInfo(TcpState.of(tcpi_state(s)), tcpi_retransmits(s), tcpi_probes(s), tcpi_backoff(s),
                tcpi_rto(s), tcpi_snd_mss(s), tcpi_rcv_mss(s), tcpi_unacked(s), tcpi_lost(s), tcpi_rtt(s),
                tcpi_rttvar(s), tcpi_snd_cwnd(s), tcpi_total_retrans(s), tcpi_bytes_acked(s),
                tcpi_bytes_received(s), tcpi_segs_out(s), tcpi_segs_in(s),
                len >= NOTSENT_BYTES + 4 ? tcpi_notsent_bytes(s) : -1,
                len >= BYTES_SENT + 8 ? tcpi_bytes_sent(s) : -1,
                len >= BYTES_RETRANS + 8 ? tcpi_bytes_retrans(s) : -1,
                tcpi_last_data_sent(s), tcpi_last_data_recv(s), tcpi_last_ack_recv(s));
    }

    static final SockOpt.Codec<TcpInfo> CODEC = new SockOpt.Codec<>() {
        public Class<TcpInfo> type() { return TcpInfo.class; }
        public int size() { return SIZE; }
        public void encode(TcpInfo v, MemorySegment s) { throw new UnsupportedOperationException("TCP_INFO is read-only"); }
        public TcpInfo decode(MemorySegment s, int len) { return TcpInfo.decode(s, len); }
    };
}
