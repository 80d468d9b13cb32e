package io.jsock.socket;

import io.jsock.socket.internal.Sockaddrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SockAddr: every form parse accepts, the one-line refusal of bad text, the C encoding, and java.net conversions. */
class SockAddrTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1:80        | 127.0.0.1:80        | INET",
            "0.0.0.0:0           | 0.0.0.0:0           | INET",
            "*:9877              | 0.0.0.0:9877        | INET",
            ":9877               | 0.0.0.0:9877        | INET",
            "255.255.255.255:65535 | 255.255.255.255:65535 | INET",
            "[::1]:80            | [::1]:80            | INET6",
            "[::]:0              | [::]:0              | INET6",
            "[2001:DB8::1]:443   | [2001:db8::1]:443   | INET6",
            "[2001:db8:0:0:1:0:0:1]:1 | [2001:db8::1:0:0:1]:1 | INET6",
            "[::ffff:10.0.0.1]:7 | [::ffff:10.0.0.1]:7 | INET6",
            "[fe80::1%1]:80      | [fe80::1%1]:80      | INET6",
            "[fe80::1%lo]:80     | [fe80::1%1]:80      | INET6",
            "/tmp/s              | /tmp/s              | LOCAL",
            "./s                 | ./s                 | LOCAL",
            "../run/s            | ../run/s            | LOCAL",
            "@name               | @name               | LOCAL",
    })
    void parseAcceptsEveryDocumentedForm(String text, String printed, Family family) {
        SockAddr a = SockAddr.parse(text);
        assertThat(a.toString()).isEqualTo(printed);
        assertThat(a.family()).isEqualTo(family);
        assertThat(SockAddr.parse(printed)).as("printing and parsing round-trip").isEqualTo(a);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:http",
            "256.0.0.1:80", "1.2.3:80", "localhost:80", "::1:80", "[::1]", "[::1]80", "[::g]:80", "[fe80::1%nosuchif0]:80",
            "host name:1"})
    void badTextIsRefusedInOneLineThatListsTheAcceptedForms(String text) {
        assertThatThrownBy(() -> SockAddr.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad address '" + text + "' (")
                .hasMessageEndingWith("; expected " + SockAddr.FORMS)
                .hasMessageNotContaining("\n");
        assertThat(SockAddr.FORMS).contains("127.0.0.1:9877", "[::1]:9877", "/tmp/s", "@name");
    }

    @Test
    void nullIsRefusedLikeEmptyText() {
        assertThatThrownBy(() -> SockAddr.parse(null)).hasMessageContaining("(empty)");
    }

    @Test
    void portsAndUnixNamesOutOfRangeAreRefused() {
        assertThatThrownBy(() -> SockAddr.loopback4(65536)).hasMessage("port out of range 0-65535: 65536");
        assertThatThrownBy(() -> SockAddr.Local.path("/" + "x".repeat(107))).hasMessageStartingWith("a Unix socket name is at most 107 bytes");
        assertThat(SockAddr.Local.path("/" + "x".repeat(106)).name()).hasSize(107);
        assertThatThrownBy(() -> SockAddr.parse("/tmp/s").withPort(1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void factoriesGiveTheWildcardAndLoopbackAddresses() {
        assertThat(SockAddr.anyInet4(1)).hasToString("0.0.0.0:1");
        assertThat(SockAddr.anyInet6(1)).hasToString("[::]:1");
        assertThat(SockAddr.loopback4(2)).hasToString("127.0.0.1:2");
        assertThat(SockAddr.loopback6(2)).hasToString("[::1]:2");
        assertThat(SockAddr.loopback6(2).withPort(3)).hasToString("[::1]:3");
        assertThat(SockAddr.parse("10.0.0.1:5").port()).isEqualTo(5);
        assertThat(SockAddr.parse("@x").port()).isZero();
    }

    @Test
    void convertsToAndFromJavaNetAddresses() throws Exception {
        SockAddr v4 = SockAddr.parse("127.0.0.1:80");
        assertThat(v4.toJava()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80));
        assertThat(SockAddr.of(v4.toJava())).isEqualTo(v4);
        SockAddr v6 = SockAddr.parse("[::1]:443");
        assertThat(v6.toJava()).isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 443));
        assertThat(SockAddr.of(v6.toJava())).isEqualTo(v6);
        SockAddr scoped = SockAddr.parse("[fe80::1%1]:80");
        InetSocketAddress js = (InetSocketAddress) scoped.toJava();
        assertThat(((java.net.Inet6Address) js.getAddress()).getScopeId()).isEqualTo(1);
        assertThat(SockAddr.of(js)).isEqualTo(scoped);
        SockAddr path = SockAddr.parse("/tmp/s");
        assertThat(path.toJava()).isEqualTo(UnixDomainSocketAddress.of("/tmp/s"));
        assertThat(SockAddr.of(UnixDomainSocketAddress.of("/tmp/s"))).isEqualTo(path);
        assertThat(SockAddr.of(Path.of("/tmp/s"))).isEqualTo(path);
        assertThat(SockAddr.of(InetAddress.getByName("10.1.2.3"), 9)).isEqualTo(SockAddr.parse("10.1.2.3:9"));
        assertThatThrownBy(() -> SockAddr.parse("@abs").toJava()).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("@abs");
        assertThatThrownBy(() -> new SockAddr.Netlink(0, 0).toJava()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> SockAddr.of(InetSocketAddress.createUnresolved("example.invalid", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unresolved");
    }

    @Test
    void resolveTakesLiteralsAsTheyAreWithoutALookUp() throws Exception {
        assertThat(SockAddr.resolve("127.0.0.1:80")).containsExactly(SockAddr.parse("127.0.0.1:80"));
        assertThat(SockAddr.resolve("localhost:80")).isNotEmpty().allSatisfy(a -> assertThat(a.port()).isEqualTo(80));
    }

    @Test
    void everyFormEncodesToTheCStructAndDecodesBack() {
        for (String text : new String[] {"127.0.0.1:80", "0.0.0.0:65535", "[::1]:80", "[fe80::1%1]:80", "/tmp/s", "@name"}) {
            SockAddr a = SockAddr.parse(text);
            MemorySegment s = Sockaddrs.storage();
            int len = Sockaddrs.encode(a, s);
            assertThat(Sockaddrs.decode(s, len)).as(text).isEqualTo(a);
        }
        MemorySegment s = Sockaddrs.storage();
        assertThat(Sockaddrs.encode(SockAddr.parse("1.2.3.4:5"), s)).isEqualTo(16);
        assertThat(Sockaddrs.encode(SockAddr.parse("[::1]:5"), Sockaddrs.storage())).isEqualTo(28);
        assertThat(Sockaddrs.encode(SockAddr.parse("/ab"), Sockaddrs.storage())).as("family, path, NUL").isEqualTo(2 + 3 + 1);
        assertThat(Sockaddrs.encode(SockAddr.parse("@ab"), Sockaddrs.storage())).as("family, NUL, name").isEqualTo(2 + 1 + 2);
        MemorySegment nl = Sockaddrs.storage();
        assertThat(Sockaddrs.encode(new SockAddr.Netlink(5, 1), nl)).isEqualTo(12);
        assertThat(Sockaddrs.decode(nl, 12)).isEqualTo(new SockAddr.Netlink(5, 1));
        assertThat(new SockAddr.Netlink(5, 1)).hasToString("netlink:5/groups=1");
        assertThat(Sockaddrs.decode(Sockaddrs.storage(), 0)).as("unnamed Unix socket").isEqualTo(SockAddr.Local.path(""));
        assertThat(SockAddr.Local.path("").isUnnamed()).isTrue();
        assertThat(SockAddr.Local.path("")).hasToString("(unnamed)");
    }

    @Test
    void ipv6AddressesPrintInRfc5952Form() {
        assertThat(IpLiterals.format6(IpLiterals.parse6("0:0:0:0:0:0:0:1"))).isEqualTo("::1");
        assertThat(IpLiterals.format6(IpLiterals.parse6("2001:db8:0:0:0:0:2:1"))).isEqualTo("2001:db8::2:1");
        assertThat(IpLiterals.format6(IpLiterals.parse6("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(IpLiterals.format6(IpLiterals.parse6("2001:0:0:1:0:0:0:1"))).isEqualTo("2001:0:0:1::1");
        assertThat(IpLiterals.format6(IpLiterals.parse6("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpLiterals.format6(IpLiterals.parse6("1::"))).isEqualTo("1::");
        assertThat(IpLiterals.format6(IpLiterals.parse6("::"))).isEqualTo("::");
        assertThat(IpLiterals.format6(IpLiterals.parse6("::ffff:1.2.3.4"))).isEqualTo("::ffff:1.2.3.4");
        assertThat(IpLiterals.parse4("1.2.3.04")).containsExactly(1, 2, 3, 4);
        assertThat(IpLiterals.parse4("1.2.3.4.5")).isNull();
        assertThat(IpLiterals.parse6("1.2.3.4")).isNull();
    }
}
