package io.jsock.cli;

import io.jsock.server.proxy.ProxyHeaders;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import java.io.IOException;
import java.util.List;

/** {@code connect --proxy v1|v2 [--proxy-source HOST:PORT]}: the PROXY protocol header sent first, as a load balancer sends it. */
final class ProxyHeader {
    private ProxyHeader() {}

    /** The --proxy-source address; a bad one is one line, exit 2. */
    static SockAddr parseSource(String text) {
        try {
            return SockAddr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad --proxy-source '" + text + "'; expected HOST:PORT, e.g. 192.0.2.7:40000 or [2001:db8::7]:40000");
        }
    }

    /** The header {@code version} asks for: the claimed (or our own) address as the client, the peer as the destination. */
    static byte[] of(String version, Socket s, SockAddr claimed) throws IOException {
        SockAddr source = claimed != null ? claimed : s.getsockname();
        SockAddr destination = s.getpeername();
        if (version.equals("v1")) return ProxyHeaders.v1(source, destination);
        if (source.family() != destination.family()) {
            throw new IllegalArgumentException("--proxy-source " + source + " is " + source.family() + " but the peer "
                    + destination + " is " + destination.family() + "; v2 names two addresses of one family");
        }
        return ProxyHeaders.v2(source, destination, List.of(), false);
    }
}
