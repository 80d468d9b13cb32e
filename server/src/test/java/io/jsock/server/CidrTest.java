package io.jsock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.socket.SockAddr;
import org.junit.jupiter.api.Test;

/** CIDR blocks: what parses, what is refused and how it says so, what a block holds. */
class CidrTest {

    @Test
    void aPrefixBeyondTheFamilysBitsIsRefusedNamingTheRange() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad prefix in '10.0.0.0/33': IPv4 takes a prefix 0..32");
        assertThatThrownBy(() -> Cidr.parse("2001:db8::/129")).hasMessageContaining("IPv6 takes a prefix 0..128");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/-1")).hasMessageContaining("0..32");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/")).hasMessageContaining("0..32");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/8x")).hasMessageContaining("0..32");
    }

    @Test
    void namesAndMalformedAddressesAreRefusedSayingWhatIsAccepted() {
        for (String bad : new String[] {"localhost", "10.0.0.256/8", "10.0.0/8", "", "/8", "::g/64", "1.2.3.4.5"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected " + Cidr.FORMS);
        }
    }

    @Test
    void hostBitsAreClearedAndABareAddressIsItsOwnBlock() {
        assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8").isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("10.1.2.3/13")).hasToString("10.0.0.0/13");
        assertThat(Cidr.parse("10.15.2.3/13")).hasToString("10.8.0.0/13");
        assertThat(Cidr.parse("127.0.0.2")).hasToString("127.0.0.2/32");
        assertThat(Cidr.parse("::1")).hasToString("0:0:0:0:0:0:0:1/128");
        assertThat(Cidr.parse("[2001:db8::ff]/32")).hasToString("2001:db8:0:0:0:0:0:0/32");
        assertThat(Cidr.parse("0.0.0.0/0").prefix()).isZero();
    }

    @Test
    void aBlockHoldsTheAddressesUnderItsPrefixOnly() {
        Cidr net = Cidr.parse("10.213.0.0/16");
        assertThat(net.contains(SockAddr.parse("10.213.255.1:80"))).isTrue();
        assertThat(net.contains(SockAddr.parse("10.214.0.1:80"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(SockAddr.parse("192.0.2.1:1"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(SockAddr.parse("[::1]:1"))).as("an IPv4 block holds no IPv6 address").isFalse();
        assertThat(Cidr.parse("2001:db8::/32").contains(SockAddr.parse("[2001:db8:1::5]:1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(SockAddr.parse("[2001:db9::5]:1"))).isFalse();
        assertThat(net.contains(SockAddr.parse("/tmp/x.sock"))).as("a Unix peer is in no block").isFalse();
    }

    @Test
    void anIpv4MappedPeerIsMatchedAsIpv4() {
        assertThat(Cidr.parse("127.0.0.0/8").contains(SockAddr.parse("[::ffff:127.0.0.2]:5"))).isTrue();
    }
}
