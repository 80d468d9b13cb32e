package io.jsock.examples;

import io.jsock.socket.Family;
import io.jsock.socket.Shutdown;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A connected pair of Unix-domain SEQPACKET sockets (socketpair(2)). Like a stream it is reliable and
 * in order; unlike a stream each write is one record, and each read returns exactly one record,
 * however much room the buffer has.
 */
public final class SeqpacketPair {
    private SeqpacketPair() {}

    public static void main(String[] args) throws IOException {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.SEQPACKET);
        try (Socket a = pair[0]; Socket b = pair[1]) {
            for (String record : new String[] {"one", "two three", "four"}) {
                a.write(ByteBuffer.wrap(record.getBytes(StandardCharsets.UTF_8))); // one record per write
            }
            a.shutdown(Shutdown.WRITE); // no more records: b's next read is the end

            ByteBuffer in = ByteBuffer.allocate(1024); // room for all three, yet each read takes one
            for (int n = b.read(in); n > 0; n = b.read(in.clear())) {
                System.out.println("record of " + n + " bytes: " + StandardCharsets.UTF_8.decode(in.flip()));
            }
        }
    }
}
