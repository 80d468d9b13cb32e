package io.jsock.lab;

import io.jsock.lab.text.TextTable;
import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * UNP 4.2: every family × type cell of the text's table asked of socket(2), with the protocol the
 * text names; the protocol-0 defaults; and the AF_ and PF_ values.
 */
final class Families implements Experiment {
    /** PF_KEY's only protocol (RFC 2367). */
    private static final Protocol PF_KEY_V2 = Protocol.of(2);

    @Override
    public String name() {
        return "families";
    }

    @Override
    public String section() {
        return "4.2";
    }

    @Override
    public String claim() {
        return "socket(family, type, protocol): PF_INET/PF_INET6 give TCP and SCTP streams, UDP datagrams, SCTP "
                + "seqpackets and raw IP; PF_LOCAL gives stream, datagram and seqpacket; PF_ROUTE and PF_KEY give raw "
                + "sockets only; protocol 0 picks the default; AF_ values go in addresses, PF_ values to socket().";
    }

    /** One cell of the text's table: what it says, and the protocol to ask for. */
    private record Cell(Family family, SocketType type, Protocol protocol, boolean textSaysYes) {}

    private static List<Cell> cells() {
        List<Cell> c = new ArrayList<>();
        for (Family f : List.of(Family.INET, Family.INET6)) {
            c.add(new Cell(f, SocketType.STREAM, Protocol.TCP, true));
            c.add(new Cell(f, SocketType.STREAM, Protocol.SCTP, true));
            c.add(new Cell(f, SocketType.DGRAM, Protocol.UDP, true));
            c.add(new Cell(f, SocketType.SEQPACKET, Protocol.SCTP, true));
            c.add(new Cell(f, SocketType.RAW, f == Family.INET ? Protocol.ICMP : Protocol.ICMPV6, true));
        }
        for (SocketType t : SocketType.values()) c.add(new Cell(Family.LOCAL, t, Protocol.DEFAULT, t != SocketType.RAW));
        for (SocketType t : SocketType.values()) c.add(new Cell(Family.ROUTE, t, Protocol.NETLINK_ROUTE, t == SocketType.RAW));
        for (SocketType t : SocketType.values()) {
            c.add(new Cell(Family.KEY, t, t == SocketType.RAW ? PF_KEY_V2 : Protocol.DEFAULT, t == SocketType.RAW));
        }
        return c;
    }

    @Override
    public void run(Findings f) throws Exception {
        Map<String, Map<String, String>> grid = new LinkedHashMap<>(); // type -> family -> what happened
        List<Map<String, Object>> facts = new ArrayList<>();
        for (Cell cell : cells()) {
            String got = probe(cell, f);
            grid.computeIfAbsent("SOCK_" + cell.type(), k -> new LinkedHashMap<>())
                    .merge(cell.family().pfName(), got, (a, b) -> a + ", " + b);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("family", cell.family().pfName());
            m.put("type", "SOCK_" + cell.type());
            m.put("protocol", cell.protocol().toString());
            m.put("textSays", cell.textSaysYes() ? "yes" : "no");
            m.put("result", got);
            facts.add(m);
        }
        TextTable t = new TextTable("type \\ family", "PF_INET", "PF_INET6", "PF_LOCAL", "PF_ROUTE (netlink)", "PF_KEY");
        for (var row : grid.entrySet()) {
            Map<String, String> r = row.getValue();
            t.row(row.getKey(), r.get("PF_INET"), r.get("PF_INET6"), r.get("PF_LOCAL"), r.get("PF_NETLINK"), r.get("PF_KEY"));
        }
        f.saw("socket() for each cell of the text's table (ok, or the errno):");
        f.sawLines(t.render("  "));
        f.fact("cells", facts);

        defaults(f);
        afAndPf(f);
    }

    /** Opens one cell; returns what to show ("TCP ok", "SCTP EPROTONOSUPPORT") and records holds or differs. */
    private static String probe(Cell c, Findings f) throws IOException {
        String what = c.family().pfName() + " SOCK_" + c.type() + " " + c.protocol();
        String label = c.protocol() == Protocol.DEFAULT || c.family() == Family.ROUTE || c.family() == Family.KEY
                ? "" : c.protocol().toString().replace("IPPROTO_", "") + " ";
        try (Socket s = Socket.open(c.family(), c.type(), c.protocol())) {
            SocketType actual = s.getOption(SockOpt.SO_TYPE);
            if (c.textSaysYes()) return label + "ok";
            if (c.family() == Family.LOCAL && c.type() == SocketType.RAW && actual == SocketType.DGRAM) {
                f.differs(what + " works: Linux turns SOCK_RAW into SOCK_DGRAM for Unix sockets (unix_create); "
                        + "getsockopt(SO_TYPE) says SOCK_DGRAM");
                return "ok (as DGRAM)";
            }
            if (c.family() == Family.ROUTE && c.type() == SocketType.DGRAM) {
                f.differs(what + " works: PF_ROUTE is netlink on Linux, and netlink treats SOCK_DGRAM and SOCK_RAW alike (netlink(7))");
                return "ok";
            }
            f.unexpected(what + " works, where the text has no such socket");
            return "ok?";
        } catch (ErrnoException e) {
            Errno errno = e.errno();
            String shown = label + (errno == null ? "errno " + e.errnoNumber() : errno.name());
            if (!c.textSaysYes()) return shown; // refused, as the blank cell says
            if (c.protocol() == Protocol.SCTP && (errno == Errno.EPROTONOSUPPORT || errno == Errno.ESOCKTNOSUPPORT)) {
                f.differs(what + ": " + errno + ": SCTP is not in this kernel (CONFIG_IP_SCTP, module sctp)");
            } else if (c.family() == Family.KEY && errno == Errno.EAFNOSUPPORT) {
                f.differs(what + ": EAFNOSUPPORT: PF_KEY is not in this kernel (CONFIG_NET_KEY, module af_key)");
            } else if (c.type() == SocketType.RAW && (errno == Errno.EPERM || errno == Errno.EACCES)) {
                f.differs(what + ": " + errno + ": raw sockets need CAP_NET_RAW (run as root to see them open)");
            } else {
                f.unexpected(e.getMessage());
            }
            return shown;
        }
    }

    /** Protocol 0: the kernel picks TCP for a stream and UDP for a datagram; raw IP has no default. */
    private static void defaults(Findings f) throws IOException {
        f.saw("protocol 0 (\"the system's default for the family and type\"), asked back with getsockopt(SO_PROTOCOL):");
        for (Family fam : List.of(Family.INET, Family.INET6)) {
            for (SocketType t : List.of(SocketType.STREAM, SocketType.DGRAM)) {
                try (Socket s = Socket.open(fam, t, Protocol.DEFAULT)) {
                    Protocol p = s.getOption(SockOpt.SO_PROTOCOL);
                    Protocol want = t == SocketType.STREAM ? Protocol.TCP : Protocol.UDP;
                    f.saw("  " + fam.pfName() + " SOCK_" + t + " 0 -> " + p);
                    f.expect(p.value() == want.value(), fam.pfName() + " SOCK_" + t + " 0 gave " + p + ", not " + want);
                }
            }
            try (Socket s = Socket.open(fam, SocketType.RAW, Protocol.DEFAULT)) {
                f.unexpected(fam.pfName() + " SOCK_RAW 0 opened; Linux has no default raw protocol");
            } catch (ErrnoException e) {
                f.saw("  " + fam.pfName() + " SOCK_RAW 0 -> " + e.errno() + " (raw IP needs a protocol number)");
                if (e.errno() != Errno.EPERM) f.expect(e.errno() == Errno.EPROTONOSUPPORT, e.getMessage());
            }
        }
    }

    /** AF_ and PF_ values: the same numbers here; an address read back carries the AF_ value. */
    private static void afAndPf(Findings f) throws IOException {
        StringBuilder line = new StringBuilder("AF_ and PF_ values:");
        Map<String, Object> values = new LinkedHashMap<>();
        boolean allEqual = true;
        for (Family fam : Family.values()) {
            String af = fam.pfName().replace("PF_", "AF_");
            line.append(' ').append(fam.pfName()).append('=').append(fam.pf()).append('/').append(af).append('=').append(fam.af());
            values.put(fam.pfName(), fam.pf());
            values.put(af, fam.af());
            allEqual &= fam.pf() == fam.af();
        }
        f.saw(line.toString());
        f.fact("values", values);
        try (Socket s = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            String name = "jsock-lab-families-" + ProcessHandle.current().pid();
            s.bind(SockAddr.Local.abstractName(name));
            SockAddr back = s.getsockname();
            f.saw("socket(PF_LOCAL=" + Family.LOCAL.pf() + ") bound to @" + name + ": getsockname's sa_family is AF_LOCAL="
                    + back.family().af());
            f.expect(back.family() == Family.LOCAL, "getsockname of a Unix socket gave family " + back.family());
        }
        if (allEqual) {
            f.saw("every AF_ value equals its PF_ value on Linux (<bits/socket.h>: #define AF_LOCAL PF_LOCAL); "
                    + "the text's advice (PF_ for socket(), AF_ for addresses) costs nothing and is kept");
        }
    }
}
