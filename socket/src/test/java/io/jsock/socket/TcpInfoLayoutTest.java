package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * struct tcp_info as gcc lays it out from linux/tcp.h on this machine, for every field jsock reads, and
 * the application's byte counts worked out from it.
 */
class TcpInfoLayoutTest {
    private static final Map<String, Integer> OFFSETS = new LinkedHashMap<>();

    static {
        OFFSETS.put("tcpi_state", TcpInfo.STATE);
        OFFSETS.put("tcpi_retransmits", TcpInfo.RETRANSMITS);
        OFFSETS.put("tcpi_probes", TcpInfo.PROBES);
        OFFSETS.put("tcpi_backoff", TcpInfo.BACKOFF);
        OFFSETS.put("tcpi_rto", TcpInfo.RTO);
        OFFSETS.put("tcpi_snd_mss", TcpInfo.SND_MSS);
        OFFSETS.put("tcpi_rcv_mss", TcpInfo.RCV_MSS);
        OFFSETS.put("tcpi_unacked", TcpInfo.UNACKED);
        OFFSETS.put("tcpi_lost", TcpInfo.LOST);
        OFFSETS.put("tcpi_rtt", TcpInfo.RTT);
        OFFSETS.put("tcpi_rttvar", TcpInfo.RTTVAR);
        OFFSETS.put("tcpi_snd_cwnd", TcpInfo.SND_CWND);
        OFFSETS.put("tcpi_total_retrans", TcpInfo.TOTAL_RETRANS);
        OFFSETS.put("tcpi_bytes_acked", TcpInfo.BYTES_ACKED);
        OFFSETS.put("tcpi_bytes_received", TcpInfo.BYTES_RECEIVED);
        OFFSETS.put("tcpi_segs_out", TcpInfo.SEGS_OUT);
        OFFSETS.put("tcpi_segs_in", TcpInfo.SEGS_IN);
        OFFSETS.put("tcpi_notsent_bytes", TcpInfo.NOTSENT_BYTES);
        OFFSETS.put("tcpi_bytes_sent", TcpInfo.BYTES_SENT);
        OFFSETS.put("tcpi_bytes_retrans", TcpInfo.BYTES_RETRANS);
        OFFSETS.put("tcpi_last_data_sent", TcpInfo.LAST_DATA_SENT);
        OFFSETS.put("tcpi_last_data_recv", TcpInfo.LAST_DATA_RECV);
        OFFSETS.put("tcpi_last_ack_recv", TcpInfo.LAST_ACK_RECV);
    }

    @Test
    void everyFieldReadIsAtGccsOffset() throws Exception {
        GccLayout gcc = GccLayout.of("#include <linux/tcp.h>");
        OFFSETS.forEach((field, offset) -> gcc.offset("tcp_info", field, offset));
        gcc.value("offsetof(struct tcp_info, tcpi_bytes_retrans) + 8", TcpInfo.SIZE).matchesGcc(); // the end of what jsock reads
    }

    @Test
    void bytesWrittenIsEachByteSentOnceAndWhatWaitsLessAQueuedFin() {
        assertThat(info(TcpState.ESTABLISHED, 0, 150_000, 50_000, 0).bytesWritten()).isEqualTo(100_000);
        assertThat(info(TcpState.ESTABLISHED, 20_000, 80_000, 0, 0).bytesWritten()).isEqualTo(100_000);
        assertThat(info(TcpState.FIN_WAIT1, 20_001, 80_000, 0, 0).bytesWritten()).as("the FIN waits behind the data").isEqualTo(100_000);
        assertThat(info(TcpState.FIN_WAIT1, 0, 26, 0, 0).bytesWritten()).as("the FIN is sent: in no count").isEqualTo(26);
        assertThat(info(TcpState.ESTABLISHED, -1, -1, -1, 0).bytesWritten()).isEqualTo(-1);
        assertThat(info(TcpState.CLOSE_WAIT, 0, 0, 0, 13).dataReceived()).as("the peer's FIN counted one").isEqualTo(12);
        assertThat(info(TcpState.ESTABLISHED, 0, 0, 0, 13).dataReceived()).isEqualTo(13);
        assertThat(info(TcpState.CLOSE, 0, 0, 0, 1).dataReceived()).as("held in CLOSE after both FINs").isZero();
    }

    private static TcpInfo info(TcpState state, long notsent, long sent, long retrans, long received) {
        return new TcpInfo(state, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, received, 0, 0, notsent, sent, retrans, 0, 0, 0);
    }
}
