package io.jsock.socket;

import io.jsock.socket.internal.KernelFeatures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** socket(2) for every family × type × protocol of UNP 4.2's tables: what this kernel opens, and which errno it gives otherwise. */
class SocketTableTest {

    /*
     * What socket(2) did for each cell on the development kernel (6.18, no SCTP, no af_key), run as
     * root; found with a C probe and kept here as the expectation. Marks:
     *   OK      the socket opens
     *   RAW     opens with CAP_NET_RAW (root), else EPERM
     *   PING    an ICMP datagram ("ping") socket: opens when our group is in net.ipv4.ping_group_range, else EACCES
     *   SCTP:E  opens when the kernel has SCTP (checked after the call), else errno E
 * A kernel with af_key would give a different KEY block (PF_KEY is SOCK_RAW with PF_KEY_V2 only).
     * Note the netlink row: protocol numbers are per family, so "TCP" (6) there is NETLINK_XFRM,
     * and PF_LOCAL accepts 1 ("ICMP") because that is PF_UNIX's own number.
     */
    private static final String TABLE = """
            family type       DEFAULT          TCP              UDP              SCTP                  ICMP             ICMPV6
            INET   STREAM     OK               OK               EPROTONOSUPPORT  SCTP:EPROTONOSUPPORT  EPROTONOSUPPORT  EPROTONOSUPPORT
            INET   DGRAM      OK               EPROTONOSUPPORT  OK               EPROTONOSUPPORT       PING             EPROTONOSUPPORT
            INET   SEQPACKET  ESOCKTNOSUPPORT  ESOCKTNOSUPPORT  ESOCKTNOSUPPORT  SCTP:ESOCKTNOSUPPORT  ESOCKTNOSUPPORT  ESOCKTNOSUPPORT
            INET   RAW        EPROTONOSUPPORT  RAW              RAW              RAW                   RAW              RAW
            INET6  STREAM     OK               OK               EPROTONOSUPPORT  SCTP:EPROTONOSUPPORT  EPROTONOSUPPORT  EPROTONOSUPPORT
            INET6  DGRAM      OK               EPROTONOSUPPORT  OK               EPROTONOSUPPORT       EPROTONOSUPPORT  PING
            INET6  SEQPACKET  ESOCKTNOSUPPORT  ESOCKTNOSUPPORT  ESOCKTNOSUPPORT  SCTP:ESOCKTNOSUPPORT  ESOCKTNOSUPPORT  ESOCKTNOSUPPORT
            INET6  RAW        EPROTONOSUPPORT  RAW              RAW              RAW                   RAW              RAW
            LOCAL  STREAM     OK               EPROTONOSUPPORT  EPROTONOSUPPORT  EPROTONOSUPPORT       OK               EPROTONOSUPPORT
            LOCAL  DGRAM      OK               EPROTONOSUPPORT  EPROTONOSUPPORT  EPROTONOSUPPORT       OK               EPROTONOSUPPORT
            LOCAL  SEQPACKET  OK               EPROTONOSUPPORT  EPROTONOSUPPORT  EPROTONOSUPPORT       OK               EPROTONOSUPPORT
            LOCAL  RAW        OK               EPROTONOSUPPORT  EPROTONOSUPPORT  EPROTONOSUPPORT       OK               EPROTONOSUPPORT
            ROUTE  STREAM     ESOCKTNOSUPPORT  ESOCKTNOSUPPORT  ESOCKTNOSUPPORT  ESOCKTNOSUPPORT       ESOCKTNOSUPPORT  ESOCKTNOSUPPORT
            ROUTE  DGRAM      OK               OK               EPROTONOSUPPORT  EPROTONOSUPPORT       EPROTONOSUPPORT  EPROTONOSUPPORT
            ROUTE  SEQPACKET  ESOCKTNOSUPPORT  ESOCKTNOSUPPORT  ESOCKTNOSUPPORT  ESOCKTNOSUPPORT       ESOCKTNOSUPPORT  ESOCKTNOSUPPORT
            ROUTE  RAW        OK               OK               EPROTONOSUPPORT  EPROTONOSUPPORT       EPROTONOSUPPORT  EPROTONOSUPPORT
            KEY    STREAM     EAFNOSUPPORT     EAFNOSUPPORT     EAFNOSUPPORT     EAFNOSUPPORT          EAFNOSUPPORT     EAFNOSUPPORT
            KEY    DGRAM      EAFNOSUPPORT     EAFNOSUPPORT     EAFNOSUPPORT     EAFNOSUPPORT          EAFNOSUPPORT     EAFNOSUPPORT
            KEY    SEQPACKET  EAFNOSUPPORT     EAFNOSUPPORT     EAFNOSUPPORT     EAFNOSUPPORT          EAFNOSUPPORT     EAFNOSUPPORT
            KEY    RAW        EAFNOSUPPORT     EAFNOSUPPORT     EAFNOSUPPORT     EAFNOSUPPORT          EAFNOSUPPORT     EAFNOSUPPORT
            """;

    private static final Map<String, Protocol> PROTOCOLS = Map.of("DEFAULT", Protocol.DEFAULT, "TCP", Protocol.TCP,
            "UDP", Protocol.UDP, "SCTP", Protocol.SCTP, "ICMP", Protocol.ICMP, "ICMPV6", Protocol.ICMPV6);

    @TestFactory
    Stream<DynamicTest> everyCellOfTheTableOpensOrFailsWithThisKernelsErrno() throws IOException {
        boolean root = Loopback.isRoot();
        boolean ping = inPingGroup();
        List<String> lines = TABLE.lines().toList();
        String[] protocols = lines.get(0).trim().split("\\s+");
        List<DynamicTest> cells = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] col = line.trim().split("\\s+");
            Family family = Family.valueOf(col[0]);
            SocketType type = SocketType.valueOf(col[1]);
            for (int i = 2; i < col.length; i++) {
                Protocol protocol = PROTOCOLS.get(protocols[i]);
                String expected = switch (col[i]) {
                    case "RAW" -> root ? "OK" : "EPERM";
                    case "PING" -> ping ? "OK" : "EACCES";
                    default -> col[i];
                };
                if (expected.startsWith("SCTP:")) {
                    // Decided after the call: a kernel with SCTP built as a module loads it on the first socket().
                    String without = expected.substring(5);
                    cells.add(DynamicTest.dynamicTest(family + " " + type + " " + protocols[i] + " -> OK with SCTP, else " + without,
                            () -> assertSctpCell(family, type, protocol, without)));
                    continue;
                }
                cells.add(DynamicTest.dynamicTest(family + " " + type + " " + protocols[i] + " -> " + expected,
                        () -> assertCell(family, type, protocol, expected)));
            }
        }
        return cells.stream();
    }

    private static void assertSctpCell(Family family, SocketType type, Protocol protocol, String withoutSctp) throws IOException {
        try (Socket s = Socket.open(family, type, protocol)) {
            assertThat(KernelFeatures.hasSctp()).as("an SCTP socket opened, so the kernel has SCTP").isTrue();
        } catch (ErrnoException e) {
            assertThat(KernelFeatures.hasSctp()).as(e.getMessage()).isFalse();
            assertCell(family, type, protocol, withoutSctp);
        }
    }

    private static void assertCell(Family family, SocketType type, Protocol protocol, String expected) throws IOException {
        if (expected.equals("OK")) {
            try (Socket s = Socket.open(family, type, protocol)) {
                assertThat(s.isOpen()).isTrue();
                assertThat(s.getOption(SockOpt.SO_DOMAIN)).isEqualTo(family);
            }
            return;
        }
        ErrnoException e = catchThrowableOfType(ErrnoException.class, () -> Socket.open(family, type, protocol).close());
        assertThat(e).as("socket(%s, %s, %s) fails", family, type, protocol).isNotNull();
        assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.valueOf(expected));
        assertThat(e.syscall()).isEqualTo("socket");
        assertThat(e.getMessage())
                .startsWith("socket (" + family.pfName() + ", SOCK_" + type + ", " + protocol + "): " + expected + " (")
                .as("every refusal explains itself after the errno").matches(".*\\): .+");
    }

    @Test
    void sctpIsRefusedWithAMessageSayingTheKernelLacksSctp() {
        if (KernelFeatures.hasSctp()) return; // this kernel has SCTP: nothing to explain
        ErrnoException e = catchThrowableOfType(ErrnoException.class,
                () -> Socket.open(Family.INET, SocketType.STREAM, Protocol.SCTP).close());
        assertThat(e).hasMessage("socket (PF_INET, SOCK_STREAM, IPPROTO_SCTP): EPROTONOSUPPORT (Protocol not supported): "
                + "this kernel has no SCTP (CONFIG_IP_SCTP, module sctp, is not loaded or not built)");
        ErrnoException seq = catchThrowableOfType(ErrnoException.class,
                () -> Socket.open(Family.INET6, SocketType.SEQPACKET, Protocol.SCTP).close());
        assertThat(seq.errno()).isEqualTo(Errno.ESOCKTNOSUPPORT);
        assertThat(seq.getMessage()).endsWith("this kernel has no SCTP (CONFIG_IP_SCTP, module sctp, is not loaded or not built)");
    }

    @Test
    void pfKeyIsRefusedWithAMessageSayingTheKernelHasNoPfKey() {
        ErrnoException e = catchThrowableOfType(ErrnoException.class,
                () -> Socket.open(Family.KEY, SocketType.RAW, Protocol.of(2)).close());
        assertThat(e).hasMessage("socket (PF_KEY, SOCK_RAW, 2): EAFNOSUPPORT (Address family not supported by protocol): "
                + "this kernel has no PF_KEY (key management sockets need CONFIG_NET_KEY, module af_key)");
    }

    @Test
    void aWrongProtocolForTheTypeSaysWhichProtocolTheTypeUses() {
        ErrnoException e = catchThrowableOfType(ErrnoException.class,
                () -> Socket.open(Family.INET, SocketType.STREAM, Protocol.UDP).close());
        assertThat(e).hasMessage("socket (PF_INET, SOCK_STREAM, IPPROTO_UDP): EPROTONOSUPPORT (Protocol not supported): "
                + "SOCK_STREAM over IP is IPPROTO_TCP, not IPPROTO_UDP");
        ErrnoException raw = catchThrowableOfType(ErrnoException.class,
                () -> Socket.open(Family.INET, SocketType.RAW, Protocol.DEFAULT).close());
        assertThat(raw.getMessage()).endsWith("SOCK_RAW needs the IP protocol it carries (e.g. IPPROTO_ICMP), not 0");
        ErrnoException nl = catchThrowableOfType(ErrnoException.class,
                () -> Socket.open(Family.ROUTE, SocketType.STREAM, Protocol.DEFAULT).close());
        assertThat(nl.getMessage()).endsWith("netlink sockets are SOCK_DGRAM or SOCK_RAW");
        ErrnoException seq = catchThrowableOfType(ErrnoException.class,
                () -> Socket.open(Family.INET, SocketType.SEQPACKET, Protocol.DEFAULT).close());
        if (!KernelFeatures.hasSctp()) assertThat(seq.getMessage()).endsWith("; SOCK_SEQPACKET over IP is SCTP's");
    }

    @Test
    void aRefusedPingSocketPointsAtPingGroupRange() throws IOException {
        if (inPingGroup()) return; // ping sockets are allowed here
        ErrnoException e = catchThrowableOfType(ErrnoException.class,
                () -> Socket.open(Family.INET, SocketType.DGRAM, Protocol.ICMP).close());
        assertThat(e.errno()).isEqualTo(Errno.EACCES);
        assertThat(e.getMessage()).endsWith("ping sockets are only for the groups in /proc/sys/net/ipv4/ping_group_range");
    }

    @Test
    void protocolZeroPicksTcpForStreamAndUdpForDatagrams() throws IOException {
        for (Family f : new Family[] {Family.INET, Family.INET6}) {
            try (Socket stream = Socket.open(f, SocketType.STREAM, Protocol.DEFAULT);
                    Socket dgram = Socket.open(f, SocketType.DGRAM, Protocol.DEFAULT)) {
                assertThat(stream.getOption(SockOpt.SO_PROTOCOL)).isEqualTo(Protocol.TCP);
                assertThat(stream.getOption(SockOpt.SO_TYPE)).isEqualTo(SocketType.STREAM);
                assertThat(dgram.getOption(SockOpt.SO_PROTOCOL)).isEqualTo(Protocol.UDP);
                assertThat(dgram.getOption(SockOpt.SO_TYPE)).isEqualTo(SocketType.DGRAM);
            }
        }
    }

    @Test
    void familiesKeepTheirPfAndAfValuesApartAndEqualOnLinux() {
        for (Family f : Family.values()) {
            assertThat(f.pf()).isEqualTo(f.af());
            assertThat(Family.ofAf(f.af())).isEqualTo(f);
        }
        assertThat(Family.ROUTE.pfName()).isEqualTo("PF_NETLINK");
        assertThat(Family.ROUTE.af()).isEqualTo(16);
        assertThat(Family.KEY.af()).isEqualTo(15);
    }

    /** Whether our effective group lies in net.ipv4.ping_group_range (which governs IPv6 ping sockets too). */
    private static boolean inPingGroup() throws IOException {
        // readAllLines, not readString: the JDK read only the first byte of this procfs file here.
        String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ping_group_range")).get(0).trim().split("\\s+");
        long lo = Long.parseLong(range[0]), hi = Long.parseLong(range[1]);
        int gid = Loopback.gid();
        return lo <= gid && gid <= hi;
    }
}
