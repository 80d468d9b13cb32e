package io.jsock.lab;

import io.jsock.lab.draw.Ladder;
import io.jsock.lab.text.InetText;
import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.packet.Capture;
import io.jsock.socket.packet.CaptureFilter;
import io.jsock.socket.packet.Packet;
import java.io.IOException;
import io.jsock.socket.SockAddr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What an experiment's calls put on the wire: a capture (jsock's own packet socket) on the
 * interface its connection uses, filtered on its port, and marks for the calls it makes; drawn as a
 * ladder. Without CAP_NET_RAW there is no capture: the experiment runs as before, without ladders.
 */
final class Wire implements AutoCloseable {
    private final Capture capture; // null: no capture here
    // Guarded by this object's lock: the experiment's thread and threads it starts (an acceptor) mark.
    private final List<Packet> packets = new ArrayList<>();
    private final List<Ladder.Mark> marks = new ArrayList<>();

    private Wire(Capture capture) {
        this.capture = capture;
    }

    /**
     * Starts capturing {@code port} on {@code iface} (in {@code netns}, or this namespace when null).
     * Without CAP_NET_RAW, says so in the evidence and captures nothing.
     */
    static Wire on(Findings f, String netns, String iface, int port) throws IOException {
        try {
            return new Wire(Capture.open(netns, iface, CaptureFilter.port(port)));
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EPERM) throw e;
            f.saw("(no ladder: capturing segments needs CAP_NET_RAW)");
            return new Wire(null);
        }
    }

    /** Whether segments are being captured. */
    boolean isOn() {
        return capture != null;
    }

    /** Notes a call at this moment: a row across the ladder. */
    synchronized void mark(String text) {
        marks.add(new Ladder.Mark(Instant.now(), text));
    }

    /**
     * The ladder of what was captured and marked since the last one (the segments still in flight are
     * waited for: until the link is quiet for 200 ms, 5 s at most), or {@code null} without a capture.
     */
    synchronized Ladder ladder(String title, String left, InetAddress leftHost, int leftPort, String right) throws IOException {
        if (capture == null) return null;
        packets.addAll(capture.drain(500, Duration.ofMillis(200), Duration.ofSeconds(5)));
        Ladder l = Ladder.of(title, left, leftHost, leftPort, right, packets, marks);
        packets.clear();
        marks.clear();
        return l;
    }

    /** {@link #ladder}, added to the findings as a figure. */
    Ladder draw(Findings f, String title, String left, InetAddress leftHost, int leftPort, String right) throws IOException {
        Ladder l = ladder(title, left, leftHost, leftPort, right);
        if (l != null) f.figure(l);
        return l;
    }

    /**
     * {@link #draw} of one connection between two socket addresses, each column named "ROLE ADDRESS:PORT".
     */
    Ladder draw(Findings f, String title, String leftRole, SockAddr left, String rightRole, SockAddr right) throws IOException {
        return draw(f, title, leftRole + " " + InetText.of(left), ((InetSocketAddress) left.toJava()).getAddress(), left.port(),
                rightRole + " " + InetText.of(right));
    }

    @Override
    public void close() {
        if (capture != null) capture.close();
    }
}
