package io.jsock.examples;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * UDP: no connection, one datagram per sendto(2), and recvfrom(2) says who sent it, which is where
 * the reply goes.
 */
public final class UdpExchange {
    private UdpExchange() {}

    public static void main(String[] args) throws IOException {
        try (Socket server = Socket.open(Family.INET, SocketType.DGRAM, Protocol.UDP);
             Socket client = Socket.open(Family.INET, SocketType.DGRAM, Protocol.UDP)) {
            server.bind(SockAddr.parse("127.0.0.1:0"));
            SockAddr serverAddress = server.getsockname(); // the port the kernel chose

            client.sendto(ByteBuffer.wrap("ping".getBytes(US_ASCII)), serverAddress); // binds the client to a port
            ByteBuffer in = ByteBuffer.allocate(1500);
            Socket.Received ping = server.recvfrom(in);
            System.out.println("server got '" + US_ASCII.decode(in.flip()) + "' from " + ping.from());

            server.sendto(ByteBuffer.wrap("pong".getBytes(US_ASCII)), ping.from()); // back to the sender
            Socket.Received pong = client.recvfrom(in.clear());
            System.out.println("client got '" + US_ASCII.decode(in.flip()) + "' from " + pong.from()
                    + (pong.from().equals(serverAddress) ? " (the server)" : ""));
        }
    }
}
