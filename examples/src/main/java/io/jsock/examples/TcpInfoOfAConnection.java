package io.jsock.examples;

import io.jsock.server.Service;
import io.jsock.server.TcpServer;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.TcpInfo;
import java.io.IOException;

/**
 * What the kernel knows about a connection: getsockopt(TCP_INFO) on a client of an echo server,
 * after a round trip (the echo's segments acknowledge everything the client sent).
 */
public final class TcpInfoOfAConnection {
    private TcpInfoOfAConnection() {}

    public static void main(String[] args) throws IOException {
        try (TcpServer echo = TcpServer.builder().bind("127.0.0.1:0").handler(Service.ECHO).start();
             Socket s = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            s.connect(echo.localAddress());
            byte[] data = new byte[10_000];
            s.writeFully(data);
            s.readFully(new byte[data.length]); // the echo

            TcpInfo info = s.getOption(SockOpt.TCP_INFO);
            System.out.println("state " + info.state());
            System.out.println("bytes acked " + info.bytesAcked() + " (the data, and 1 for the SYN), received "
                    + info.bytesReceived());
            System.out.println("segments out " + info.segsOut() + ", in " + info.segsIn()
                    + ", retransmitted " + info.totalRetrans());
            System.out.println("rtt " + info.rtt() + " us (variance " + info.rttvar() + "), mss " + info.sndMss()
                    + ", congestion window " + info.sndCwnd() + " segments");
        }
    }
}
