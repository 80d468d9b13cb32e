package io.jsock.socket;

/** Plain words for the errnos that mean "this kernel does not have that" rather than "you misused it". */
final class KernelFeatures {
    private KernelFeatures() {}

    static String hint(Family family, SocketType type, Protocol protocol, int errno) {
        Errno e = Errno.of(errno);
        if (e == null) return null;
        return switch (e) {
            case EAFNOSUPPORT -> family == Family.KEY
                    ? "this kernel has no PF_KEY (key management sockets need CONFIG_NET_KEY, module af_key)"
                    : "this kernel has no " + family.pfName() + " support";
            case EPROTONOSUPPORT -> protocol.value() == Protocol.SCTP.value()
                    ? "this kernel has no SCTP (CONFIG_IP_SCTP, module sctp, is not loaded or not built)"
                    : family.pfName() + " has no protocol " + protocol + " for SOCK_" + type;
            case ESOCKTNOSUPPORT, EPROTOTYPE -> family.pfName() + " has no SOCK_" + type + " with protocol " + protocol;
            case EPERM, EACCES -> "SOCK_" + type + " needs privilege (CAP_NET_RAW)";
            case EINVAL -> "not a valid combination";
            default -> null;
        };
    }
}
