package io.jsock.socket.packet;

import io.jsock.socket.BpfProgram;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a capture keeps: IPv4 and IPv6 packets, optionally only those to or from one host and only TCP
 * or UDP with one port (source or destination) and the ICMP errors (which quote such a port), as
 * tcpdump's {@code host H and (port P or icmp or icmp6)} would. It compiles to a classic BPF program
 * the kernel runs for the socket ({@link #program}), so what is not kept never reaches jsock.
 *
 * @param host the host, or {@code null} for any
 * @param port the port, 1 to 65535, or 0 for any
 */
public record CaptureFilter(InetAddress host, int port) {
    /** What a kept packet's bytes are cut to (tcpdump's default snapshot length). */
    public static final int SNAPLEN = 262144;

    /**
     * Checks the port.
     *
     * @throws IllegalArgumentException if {@code port} is not 0 to 65535
     */
    public CaptureFilter {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("bad port " + port + "; expected 1 to 65535 (0: any)");
    }

    /** {@return every IPv4 and IPv6 packet} */
    public static CaptureFilter all() {
        return new CaptureFilter(null, 0);
    }

    /**
     * TCP and UDP to or from {@code port}, and ICMP errors.
     *
     * @param port the port, 1 to 65535
     * @return the filter
     */
    public static CaptureFilter port(int port) {
        return new CaptureFilter(null, port);
    }

    /** {@return the filter as a tcpdump expression, e.g. {@code port 9877}, {@code host 10.213.1.2 and port 80}, {@code ip or ip6}} */
    @Override
    public String toString() {
        String h = host == null ? null : "host " + (host instanceof Inet4Address ? host.getHostAddress()
                : new io.jsock.socket.SockAddr.Inet6((java.net.Inet6Address) host, 0).host());
        String p = port == 0 ? null : "(port " + port + " or icmp or icmp6)";
        if (h == null && p == null) return "ip or ip6";
        if (h == null) return p;
        return p == null ? h : h + " and " + p;
    }

    // SKF_AD_OFF (linux/filter.h): loads from here on read the kernel's metadata of the packet, not its bytes.
    private static final int SKF_AD_PROTOCOL = -0x1000, SKF_AD_PKTTYPE = -0x1000 + 4;

    /**
     * The program: the kernel runs it over each packet from its network header on (a DGRAM packet socket).
     * With {@code port} 9877 and no host it reads, in tcpdump's assembly:
     * <pre>
     *   ldb  [pkttype]                       ; only with dropOutgoing (loopback sees each packet twice)
     *   jeq  #4 (PACKET_OUTGOING)  drop
     *   ldh  [protocol]                      ; the EtherType, from the kernel's metadata
     *   jeq  #0x0800  v4                     ; IPv4
     *   jeq  #0x86dd  v6  drop               ; IPv6, else drop
     * v4:     ldb [9]  ; jeq #1 v4icmp ; jeq #6 v4ports ; jeq #17 v4ports drop
     * v4ports: ldh [6] ; jset #0x1fff drop   ; a later fragment has no ports
     *          ldxb 4*([0]&amp;0xf) ; ldh [x+0] ; jeq #9877 accept ; ldh [x+2] ; jeq #9877 accept drop
     * v4icmp:  ldxb 4*([0]&amp;0xf) ; ldb [x+0] ; jeq #3 accept ; jeq #11 accept drop   ; unreachable, time exceeded
     * v6:      ldb [6]  ; jeq #58 v6icmp ; jeq #6 v6ports ; jeq #17 v6ports drop  ; no extension headers
     * v6ports: ldh [40] ; jeq #9877 accept ; ldh [42] ; jeq #9877 accept drop
     * v6icmp:  ldb [40] ; jgt #4 drop ; jge #1 accept drop                         ; the four ICMPv6 errors
     * accept:  ret #262144
     * drop:    ret #0
     * </pre>
     * A host adds, before the protocol checks of each version, a comparison of the source and
     * destination addresses (one word for IPv4, four for IPv6); the other version then drops.
     *
     * @param dropOutgoing drop what this host sends (on loopback each packet passes twice: out, then in)
     * @return the program
     */
    public BpfProgram program(boolean dropOutgoing) {
        Asm a = new Asm();
        if (dropOutgoing) {
            a.op(Asm.LDB_ABS, SKF_AD_PKTTYPE);
            a.jeq(4, "drop", null);
        }
        a.op(Asm.LDH_ABS, SKF_AD_PROTOCOL);
        a.jeq(0x0800, "v4", null);
        a.jeq(0x86dd, "v6", "drop");

        a.label("v4");
        if (host != null && !(host instanceof Inet4Address)) a.ja("drop");
        if (host instanceof Inet4Address) {
            int w = word(host.getAddress(), 0);
            a.op(Asm.LDW_ABS, 12);
            a.jeq(w, "v4host", null);
            a.op(Asm.LDW_ABS, 16);
            a.jeq(w, "v4host", "drop");
        }
        a.label("v4host");
        if (port == 0) {
            a.ja("accept");
        } else {
            a.op(Asm.LDB_ABS, 9);
            a.jeq(1, "v4icmp", null);
            a.jeq(6, "v4ports", null);
            a.jeq(17, "v4ports", "drop");
            a.label("v4ports");
            a.op(Asm.LDH_ABS, 6);
            a.jump(Asm.JSET, 0x1fff, "drop", null);
            a.op(Asm.LDX_MSH, 0);
            a.op(Asm.LDH_IND, 0);
            a.jeq(port, "accept", null);
            a.op(Asm.LDH_IND, 2);
            a.jeq(port, "accept", "drop");
            a.label("v4icmp");
            a.op(Asm.LDX_MSH, 0);
            a.op(Asm.LDB_IND, 0);
            a.jeq(3, "accept", null);
            a.jeq(11, "accept", "drop");
        }

        a.label("v6");
        if (host instanceof Inet4Address) a.ja("drop");
        if (host != null && !(host instanceof Inet4Address)) {
            byte[] h = host.getAddress();
            for (int i = 0; i < 4; i++) {
                a.op(Asm.LDW_ABS, 8 + 4 * i);
                a.jeq(word(h, 4 * i), null, "v6dst");
            }
            a.ja("v6host");
            a.label("v6dst");
            for (int i = 0; i < 4; i++) {
                a.op(Asm.LDW_ABS, 24 + 4 * i);
                a.jeq(word(h, 4 * i), null, "drop");
            }
        }
        a.label("v6host");
        if (port == 0) {
            a.ja("accept");
        } else {
            a.op(Asm.LDB_ABS, 6);
            a.jeq(58, "v6icmp", null);
            a.jeq(6, "v6ports", null);
            a.jeq(17, "v6ports", "drop");
            a.label("v6ports");
            a.op(Asm.LDH_ABS, 40);
            a.jeq(port, "accept", null);
            a.op(Asm.LDH_ABS, 42);
            a.jeq(port, "accept", "drop");
            a.label("v6icmp");
            a.op(Asm.LDB_ABS, 40);
            a.jump(Asm.JGT, 4, "drop", null);
            a.jump(Asm.JGE, 1, "accept", "drop");
        }

        a.label("accept");
        a.op(Asm.RET, SNAPLEN);
        a.label("drop");
        a.op(Asm.RET, 0);
        return a.program();
    }

    private static int word(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    /** A classic BPF assembler with forward labels: a jump names its target; {@code null} is the next instruction. */
    private static final class Asm {
        // opcodes (linux/bpf_common.h): class | size | mode, or class | op | source
        static final int LDW_ABS = 0x20, LDH_ABS = 0x28, LDB_ABS = 0x30, LDH_IND = 0x48, LDB_IND = 0x50,
                LDX_MSH = 0xb1, JA = 0x05, JEQ = 0x15, JGT = 0x25, JGE = 0x35, JSET = 0x45, RET = 0x06;

        private record Pending(int code, int k, String jt, String jf, String ja) {}

        private final List<Pending> code = new ArrayList<>();
        private final Map<String, Integer> labels = new HashMap<>();

        void op(int opcode, int k) {
            code.add(new Pending(opcode, k, null, null, null));
        }

        void jeq(int k, String jt, String jf) {
            jump(JEQ, k, jt, jf);
        }

        void jump(int opcode, int k, String jt, String jf) {
            code.add(new Pending(opcode, k, jt, jf, null));
        }

        void ja(String target) {
            code.add(new Pending(JA, 0, null, null, target));
        }

        void label(String name) {
            labels.put(name, code.size());
        }

        BpfProgram program() {
            List<BpfProgram.Instruction> out = new ArrayList<>();
            for (int i = 0; i < code.size(); i++) {
                Pending p = code.get(i);
                int k = p.ja == null ? p.k : offset(i, p.ja);
                out.add(new BpfProgram.Instruction(p.code, offset(i, p.jt), offset(i, p.jf), k));
            }
            return new BpfProgram(out);
        }

        private int offset(int from, String label) {
            if (label == null) return 0;
            Integer to = labels.get(label);
            if (to == null || to <= from) throw new IllegalStateException("BPF label " + label + " is not ahead of " + from);
            return to - from - 1;
        }
    }
}
