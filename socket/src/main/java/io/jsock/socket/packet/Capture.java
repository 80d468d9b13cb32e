package io.jsock.socket.packet;

import io.jsock.socket.ErrnoSocketTimeoutException;
import io.jsock.socket.Family;
import io.jsock.socket.NetNamespace;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketClosedException;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A capture on one interface: a packet socket ({@code socket(AF_PACKET, SOCK_DGRAM, 0)}) given its BPF
 * filter first and only then bound to the interface with {@code ETH_P_ALL}, so that no packet the
 * filter would drop is ever queued. On loopback, where every packet passes twice (sent, then
 * received), the filter keeps it once, as tcpdump does. Needs CAP_NET_RAW: without it {@link #open}
 * fails with EPERM. One thread reads; {@link #close} from any thread ends a waiting {@link #next}.
 */
public final class Capture implements AutoCloseable {
    private static final int BUFFER = 65536 + 64; // loopback's MTU is 65536: the largest IP packet fits

    private final Socket socket;
    private final Socket stamps; // keeps the kernel's time stamps on; see stampsOn
    private final String interfaceName;
    private final int ifindex;
    // Touched only by the reading thread.
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);

    private Capture(Socket socket, Socket stamps, String interfaceName, int ifindex) {
        this.socket = socket;
        this.stamps = stamps;
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
    }

    /**
     * Starts capturing on {@code interfaceName} in this process's network namespace.
     *
     * @param interfaceName e.g. {@code lo}
     * @param filter what to keep
     * @return the running capture; close it
     * @throws IOException as an {@link io.jsock.socket.ErrnoException}: socket EPERM without CAP_NET_RAW,
     *         if_nametoindex ENODEV for an interface that does not exist
     */
    public static Capture open(String interfaceName, CaptureFilter filter) throws IOException {
        return open(null, interfaceName, filter);
    }

    /**
     * Starts capturing on {@code interfaceName} inside the network namespace {@code netns}
     * ({@code ip netns add}); the socket stays there for its life, read from any thread.
     *
     * @param netns a name from {@code ip netns list}, or {@code null} for this process's namespace
     * @param interfaceName e.g. {@code lo} or a veth end in that namespace
     * @param filter what to keep
     * @return the running capture; close it
     * @throws IOException as {@link #open(String, CaptureFilter)}, and what {@link NetNamespace#call} throws
     */
    public static Capture open(String netns, String interfaceName, CaptureFilter filter) throws IOException {
        Socket stamps = stampsOn(); // the kernel's switch is global: turned on from here, whatever the namespace
        boolean success = false;
        try {
            Capture c = netns == null ? bound(interfaceName, filter, stamps)
                    : NetNamespace.call(netns, () -> bound(interfaceName, filter, stamps));
            success = true;
            return c;
        } finally {
            if (!success) stamps.close();
        }
    }

    /** The packet socket, in the calling thread's namespace: filter first, then the bind that starts delivery. */
    private static Capture bound(String interfaceName, CaptureFilter filter, Socket stamps) throws IOException {
        int ifindex = SockAddr.Link.interfaceIndex(interfaceName);
        Socket s = Socket.open(Family.PACKET, SocketType.DGRAM, Protocol.DEFAULT); // protocol 0: receives nothing yet
        boolean success = false;
        try {
            s.bind(SockAddr.Link.of(0, ifindex)); // to learn the link's type before anything is queued
            boolean loopback = ((SockAddr.Link) s.getsockname()).hatype() == SockAddr.Link.ARPHRD_LOOPBACK;
            s.attachFilter(filter.program(loopback));
            s.timestampPackets(); // each packet's time is the kernel's, not when jsock got round to reading it
            s.bind(SockAddr.Link.of(SockAddr.Link.ETH_P_ALL, ifindex)); // from now on packets arrive, filtered
            success = true;
            return new Capture(s, stamps, interfaceName, ifindex);
        } finally {
            if (!success) s.close();
        }
    }

    /**
     * Waits for the next packet the filter kept.
     *
     * @param timeout how long to wait at most; positive
     * @return the packet, or empty when none came in time or the capture was closed
     * @throws IOException a failing recvfrom, as an {@link io.jsock.socket.ErrnoException}
     */
    public Optional<Packet> next(Duration timeout) throws IOException {
        socket.setTimeout(timeout);
        while (true) {
            buffer.clear();
            Socket.Received r;
            try {
                r = socket.recvfrom(buffer);
            } catch (ErrnoSocketTimeoutException quiet) {
                return Optional.empty();
            } catch (SocketClosedException closed) {
                return Optional.empty(); // closed by another thread: the capture is over
            }
            Instant time = socket.receiveTime();
            boolean outgoing = r.from() instanceof SockAddr.Link l && l.packetType() == SockAddr.Link.PACKET_OUTGOING;
            Packet p = Packet.decode(buffer.array(), r.length(), time, ifindex, outgoing);
            if (p != null) return Optional.of(p); // else not IP after all (the filter keeps IP only): next one
        }
    }

    /**
     * Takes what has arrived and what still arrives until the link has been quiet for {@code quiet}, or
     * {@code max} packets, or {@code limit} has passed: how an experiment collects the segments its
     * calls caused, once they are done.
     *
     * @param max at most this many packets
     * @param quiet the silence that ends it
     * @param limit the longest it waits in all
     * @return the packets in the order they arrived; never null
     * @throws IOException a failing recvfrom
     */
    public List<Packet> drain(int max, Duration quiet, Duration limit) throws IOException {
        List<Packet> out = new ArrayList<>();
        long deadline = System.nanoTime() + limit.toNanos();
        while (out.size() < max) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            Optional<Packet> p = next(quiet.toNanos() < left ? quiet : Duration.ofNanos(left));
            if (p.isEmpty()) break;
            out.add(p.get());
        }
        return out;
    }

    /**
     * A socket that keeps the kernel's packet time stamps on while the capture runs. A socket asking
     * for them turns them on for every packet, but in deferred work: packets received before it runs
     * carry no stamp, and SIOCGSTAMPNS then gives the time of the ioctl instead. So this waits until a
     * datagram sent to itself on loopback comes back stamped (earlier than the moment its recvfrom
     * returned); the capture closes it when it closes.
     */
    private static Socket stampsOn() throws IOException {
        Socket s = Socket.open(Family.INET, SocketType.DGRAM, Protocol.UDP);
        boolean success = false;
        try {
            s.bind(SockAddr.parse("127.0.0.1:0"));
            s.timestampPackets();
            s.setTimeout(Duration.ofSeconds(5));
            SockAddr self = s.getsockname();
            ByteBuffer b = ByteBuffer.allocate(1);
            for (int i = 0; i < 1000; i++) { // the deferred work runs within milliseconds: 1000 tries bound the wait
                s.sendto(ByteBuffer.allocate(1), self);
                b.clear();
                s.recvfrom(b);
                Instant received = Instant.now();
                if (s.receiveTime().isBefore(received)) break; // stamped as it arrived: stamps are on
                Thread.sleep(1);
            }
            success = true;
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the kernel's packet time stamps came on");
        } finally {
            if (!success) s.close();
        }
    }

    /** {@return the interface's name, e.g. {@code lo}} */
    public String interfaceName() {
        return interfaceName;
    }

    /** {@return the interface's index in its namespace} */
    public int ifindex() {
        return ifindex;
    }

    /** {@return whether it is still open} */
    public boolean isOpen() {
        return socket.isOpen();
    }

    /** Stops the capture: closes the packet socket. Safe to call more than once, from any thread. */
    @Override
    public void close() {
        socket.close();
        stamps.close();
    }
}
