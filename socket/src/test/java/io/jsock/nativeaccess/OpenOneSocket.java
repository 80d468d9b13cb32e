package io.jsock.nativeaccess;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;

/**
 * A program using the library, for NativeAccessTest's child JVMs: opens one socket. In a package of
 * its own, outside the socket module, so that it also runs beside the module on the module path.
 */
public final class OpenOneSocket {
    private OpenOneSocket() {}

    public static void main(String[] args) throws IOException {
        Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP).close();
        System.out.println("opened");
    }
}
