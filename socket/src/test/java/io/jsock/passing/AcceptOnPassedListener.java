package io.jsock.passing;

import io.jsock.socket.Family;
import io.jsock.socket.Message;
import io.jsock.socket.PeerCred;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.Protocol;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * DescriptorPassingTest's other process: connects to the Unix socket in args[0], says "ready" with its
 * credentials, receives one listener (SCM_RIGHTS), accepts one connection on it and writes its pid there.
 */
public final class AcceptOnPassedListener {
    private AcceptOnPassedListener() {}

    public static void main(String[] args) throws Exception {
        try (Socket control = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            control.setTimeout(Duration.ofSeconds(20));
            control.connect(SockAddr.parse(args[0]));
            control.sendmsg(ByteBuffer.wrap("ready".getBytes(StandardCharsets.US_ASCII)), List.of(), PeerCred.ofThisProcess());
            Message m = control.recvmsg(ByteBuffer.allocate(16), 1);
            try (Socket listener = m.rights().getFirst().adopt()) {
                listener.setTimeout(Duration.ofSeconds(20));
                try (Socket c = listener.accept().socket()) {
                    c.writeFully(("accepted by " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
    }
}
