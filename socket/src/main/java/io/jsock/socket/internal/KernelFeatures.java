package io.jsock.socket.internal;

import io.jsock.socket.Errno;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SocketType;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Plain words for what socket(2) refused: a feature this kernel lacks ("no SCTP", "no PF_KEY") told
 * apart from a combination no kernel offers ("SOCK_STREAM is not IPPROTO_UDP").
 */
public final class KernelFeatures {
    private KernelFeatures() {}

    /** The SCTP module makes /proc/sys/net/sctp; without it IPPROTO_SCTP is unknown to the kernel. */
    public static boolean hasSctp() {
        return Files.isDirectory(Path.of("/proc/sys/net/sctp"));
    }

    public static String hint(Family family, SocketType type, Protocol protocol, int errno) {
        Errno e = Errno.of(errno);
        // Running out (EMFILE, ENFILE, ENOBUFS, ENOMEM) is never a missing feature; and it returns here,
        // before the switch's helper class would have to be loaded without a descriptor to load it with.
        if (e == null || e == Errno.EMFILE || e == Errno.ENFILE || e == Errno.ENOBUFS || e == Errno.ENOMEM) return null;
        boolean inet = family == Family.INET || family == Family.INET6;
        boolean sctp = inet && protocol.value() == Protocol.SCTP.value();
        return switch (e) {
            case EAFNOSUPPORT -> family == Family.KEY
                    ? "this kernel has no PF_KEY (key management sockets need CONFIG_NET_KEY, module af_key)"
                    : "this kernel has no " + family.pfName() + " support";
            case EPROTONOSUPPORT, ESOCKTNOSUPPORT, EPROTOTYPE -> {
                if (sctp && type == SocketType.DGRAM) {
                    yield "SCTP has no SOCK_DGRAM: it is SOCK_STREAM (one-to-one) or SOCK_SEQPACKET (one-to-many)";
                }
                if ((sctp || inet && type == SocketType.SEQPACKET) && !hasSctp()) {
                    yield "this kernel has no SCTP (CONFIG_IP_SCTP, module sctp, is not loaded or not built)"
                            + (sctp ? "" : "; SOCK_SEQPACKET over IP is SCTP's");
                }
                if (type == SocketType.RAW && protocol.value() == 0 && inet) {
                    yield "SOCK_RAW needs the IP protocol it carries (e.g. IPPROTO_ICMP), not 0";
                }
                if (family == Family.ROUTE && (type == SocketType.STREAM || type == SocketType.SEQPACKET)) {
                    yield "netlink sockets are SOCK_DGRAM or SOCK_RAW";
                }
                if (inet && (type == SocketType.STREAM || type == SocketType.DGRAM) && protocol.value() != 0) {
                    yield "SOCK_" + type + " over IP is " + (type == SocketType.STREAM ? "IPPROTO_TCP" : "IPPROTO_UDP")
                            + (type == SocketType.DGRAM ? " (or a ping socket: IPPROTO_ICMP in PF_INET, IPPROTO_ICMPV6 in PF_INET6)" : "")
                            + ", not " + protocol;
                }
                if (family == Family.LOCAL) yield "PF_LOCAL takes protocol 0 (or PF_LOCAL's own number, 1), not " + protocol;
                if (family == Family.ROUTE) yield "this kernel has no netlink protocol " + protocol.value();
                yield family.pfName() + " has no SOCK_" + type + " with protocol " + protocol;
            }
            case EACCES -> type == SocketType.DGRAM && inet
                    ? "ping sockets are only for the groups in /proc/sys/net/ipv4/ping_group_range"
                    : "SOCK_" + type + " needs privilege (CAP_NET_RAW)";
            case EPERM -> family == Family.PACKET ? "packet sockets (capturing) need CAP_NET_RAW: run as root"
                    : "SOCK_" + type + " needs privilege (CAP_NET_RAW)";
            case EINVAL -> "not a valid combination";
            default -> null;
        };
    }
}
