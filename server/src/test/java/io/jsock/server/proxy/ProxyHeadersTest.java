package io.jsock.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.server.proxy.ProxyHeader.Tlv;
import io.jsock.socket.SockAddr;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The PROXY header decoder on valid and malformed v1 and v2 headers (the classes Netty's HAProxyMessageDecoderTest covers, and more). */
class ProxyHeadersTest {
    private static final SockAddr SRC4 = SockAddr.parse("192.0.2.1:51000"), DST4 = SockAddr.parse("198.51.100.2:80");
    private static final SockAddr SRC6 = SockAddr.parse("[2001:db8::1]:51000"), DST6 = SockAddr.parse("[2001:db8::2]:443");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static ProxyHeader decode(byte[] b) throws ProxyProtocolException {
        return ProxyHeaders.decode(b, b.length);
    }

    @Test
    void v1Tcp4NamesBothEndpointsAndItsLength() throws Exception {
        byte[] b = ascii("PROXY TCP4 192.0.2.1 198.51.100.2 51000 80\r\nGET /");
        ProxyHeader h = decode(b);
        assertThat(h.version()).isEqualTo(1);
        assertThat(h.local()).isFalse();
        assertThat(h.source()).isEqualTo(SRC4);
        assertThat(h.destination()).isEqualTo(DST4);
        assertThat(h.length()).isEqualTo(b.length - 5); // the data after it is not the header's
    }

    @Test
    void v1Tcp6AndUnknown() throws Exception {
        ProxyHeader h = decode(ascii("PROXY TCP6 2001:db8::1 2001:db8::2 51000 443\r\n"));
        assertThat(h.source()).isEqualTo(SRC6);
        assertThat(h.destination()).isEqualTo(DST6);
        ProxyHeader u = decode(ascii("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n"));
        assertThat(u.local()).isTrue();
        assertThat(u.hasAddresses()).isFalse();
        assertThat(decode(ascii("PROXY UNKNOWN\r\n")).local()).isTrue();
    }

    @Test
    void theEncodersWriteWhatTheDecoderReads() throws Exception {
        assertThat(decode(ProxyHeaders.v1(SRC4, DST4)).source()).isEqualTo(SRC4);
        assertThat(decode(ProxyHeaders.v1(SRC6, DST6)).destination()).isEqualTo(DST6);
        ProxyHeader v2 = decode(ProxyHeaders.v2(SRC6, DST6, List.of(new Tlv(Tlv.AUTHORITY, ascii("example.com"))), true));
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.source()).isEqualTo(SRC6);
        assertThat(v2.destination()).isEqualTo(DST6);
        assertThat(v2.authority()).contains("example.com");
        assertThat(v2.tlv(Tlv.CRC32C)).isPresent();
        ProxyHeader v4 = decode(ProxyHeaders.v2(SRC4, DST4, List.of(), false));
        assertThat(v4.source()).isEqualTo(SRC4);
        assertThat(v4.length()).isEqualTo(16 + 12);
        SockAddr a = SockAddr.parse("/run/client.sock"), b = SockAddr.parse("/run/server.sock");
        ProxyHeader unix = decode(ProxyHeaders.v2(a, b, List.of(), false));
        assertThat(unix.source()).isEqualTo(a);
        assertThat(unix.destination()).isEqualTo(b);
        ProxyHeader local = decode(ProxyHeaders.v2Local());
        assertThat(local.local()).isTrue();
        assertThat(local.length()).isEqualTo(16);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UDP4 is not a protocol             | PROXY UDP4 192.0.2.1 198.51.100.2 51000 80   | protocol 'UDP4'",
        "TCP7 is not a protocol             | PROXY TCP7 192.0.2.1 198.51.100.2 51000 80   | protocol 'TCP7'",
        "a port over 65535                  | PROXY TCP4 192.0.2.1 198.51.100.2 80000 80   | port 80000",
        "a port that is not a number        | PROXY TCP4 192.0.2.1 198.51.100.2 51000 8o   | port '8o'",
        "an octet over 255                  | PROXY TCP4 299.168.0.1 198.51.100.2 51000 80 | '299.168.0.1' is not an IPv4",
        "a bad IPv6 address                 | PROXY TCP6 r001:db8::1 2001:db8::2 51000 80  | 'r001:db8::1' is not an IPv6",
        "an IPv6 address under TCP4         | PROXY TCP4 2001:db8::1 2001:db8::2 51000 80  | is not an IPv4",
        "an IPv4 address under TCP6         | PROXY TCP6 192.0.2.1 198.51.100.2 51000 80   | is not an IPv6",
        "a missing field                    | PROXY TCP4 192.0.2.1 198.51.100.2 51000      | needs 4 fields",
        "an extra field                     | PROXY TCP4 192.0.2.1 198.51.100.2 51000 80 9 | takes 4 fields",
        "two spaces                         | PROXY TCP4  192.0.2.1 198.51.100.2 51000 80  | takes 4 fields",
        "a lower-case command               | proxy TCP4 192.0.2.1 198.51.100.2 51000 80   | not a PROXY protocol header",
        "a bad command                      | PROXZ TCP4 192.0.2.1 198.51.100.2 51000 80   | does not start with 'PROXY '",
    })
    void malformedV1HeadersAreRefusedSayingWhy(String why, String line, String message) {
        assertThatThrownBy(() -> decode(ascii(line + "\r\n")))
                .isInstanceOf(ProxyProtocolException.class).hasMessageContaining(message).hasMessageNotContaining("\n");
    }

    @Test
    void aV1LineEndingInLfAloneIsRefused() {
        assertThatThrownBy(() -> decode(ascii("PROXY TCP4 192.0.2.1 198.51.100.2 51000 80\n")))
                .isInstanceOf(ProxyProtocolException.class).hasMessageContaining("LF without CR");
    }

    @Test
    void aV1HeaderLongerThan107BytesIsRefused() throws Exception {
        String longest = "PROXY UNKNOWN " + "x".repeat(107 - 16) + "\r\n";
        assertThat(longest).hasSize(107);
        assertThat(ProxyHeaders.decode(ascii(longest), 107)).isNotNull();
        byte[] tooLong = ascii("PROXY UNKNOWN " + "x".repeat(107 - 15) + "\r\n");
        assertThatThrownBy(() -> decode(tooLong)).isInstanceOf(ProxyProtocolException.class).hasMessageContaining("too long");
    }

    @Test
    void incompleteHeadersWaitForMoreAndNeverFail() throws Exception {
        byte[] v1 = ascii("PROXY TCP4 192.0.2.1 198.51.100.2 51000 80\r\n");
        byte[] v2 = ProxyHeaders.v2(SRC6, DST6, List.of(new Tlv(Tlv.UNIQUE_ID, new byte[] {1, 2, 3})), true);
        for (byte[] whole : List.of(v1, v2)) {
            for (int len = 0; len < whole.length; len++) {
                assertThat(ProxyHeaders.decode(whole, len)).as("the first %d of %d bytes", len, whole.length).isNull();
            }
            assertThat(ProxyHeaders.decode(whole, whole.length)).isNotNull();
        }
    }

    @Test
    void v2LocalKeepsTheRealEndpointsWhateverAddressesItCarries() throws Exception {
        byte[] b = ProxyHeaders.v2(SRC4, DST4, List.of(), false);
        b[12] = 0x20; // LOCAL
        ProxyHeader h = decode(b);
        assertThat(h.local()).isTrue();
        assertThat(h.source()).isNull();
        assertThat(h.length()).isEqualTo(b.length);
    }

    @Test
    void v2SkipsUnknownTlvsAndKeepsEveryOneInOrder() throws Exception {
        List<Tlv> tlvs = List.of(new Tlv(Tlv.ALPN, ascii("h2")), new Tlv(0xE7, new byte[] {9}), new Tlv(Tlv.NOOP, new byte[5]),
                new Tlv(Tlv.SSL, new byte[] {1, 0, 0, 0, 0}), new Tlv(Tlv.NETNS, ascii("blue")),
                new Tlv(Tlv.UNIQUE_ID, new byte[128]));
        ProxyHeader h = decode(ProxyHeaders.v2(SRC4, DST4, tlvs, false));
        assertThat(h.tlvs()).extracting(Tlv::type).containsExactly(0x01, 0xE7, 0x04, 0x20, 0x30, 0x05);
        assertThat(h.alpn()).contains("h2");
        assertThat(h.tlv(Tlv.NETNS).map(v -> new String(v, StandardCharsets.US_ASCII))).contains("blue");
    }

    @Test
    void v2WithAddressesPastTheFamilysSkipsTheRestByLength() throws Exception {
        byte[] b = ProxyHeaders.v2(SRC4, DST4, List.of(), false);
        // INET addresses are 12 bytes; a length of 12 + 3 with an empty TLV of type 0xEE after them
        byte[] longer = Arrays.copyOf(b, b.length + 3);
        longer[15] = (byte) (12 + 3);
        longer[b.length] = (byte) 0xEE;
        assertThat(decode(longer).source()).isEqualTo(SRC4);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a bad family                  | 13 | 0x41 | address family 4",
        "a bad transport               | 13 | 0x13 | transport 3",
        "a bad command                 | 12 | 0x22 | command 2",
        "a bad version                 | 12 | 0x11 | version 1",
        "a wrong signature             |  7 | 0x52 | signature is wrong at byte 7",
        "a length shorter than INET's  | 15 | 0x0b | shorter than the INET addresses (12 bytes)",
    })
    void malformedV2HeadersAreRefusedSayingWhy(String why, int at, String value, String message) {
        byte[] b = ProxyHeaders.v2(SRC4, DST4, List.of(), false);
        b[at] = (byte) Integer.parseInt(value.substring(2), 16);
        assertThatThrownBy(() -> ProxyHeaders.decode(b, b.length))
                .isInstanceOf(ProxyProtocolException.class).hasMessageContaining(message).hasMessageNotContaining("\n");
    }

    @Test
    void aV2LengthShorterThanInet6AddressesIsRefused() {
        byte[] b = ProxyHeaders.v2(SRC6, DST6, List.of(), false);
        b[15] = 12;
        assertThatThrownBy(() -> ProxyHeaders.decode(b, 16 + 12)).isInstanceOf(ProxyProtocolException.class)
                .hasMessageContaining("shorter than the INET6 addresses (36 bytes)");
    }

    @Test
    void aV2HeaderLongerThanTakenIsRefusedBeforeItArrives() {
        byte[] b = Arrays.copyOf(ProxyHeaders.v2(SRC4, DST4, List.of(), false), 16);
        b[14] = (byte) 0xff;
        b[15] = (byte) 0xff;
        assertThatThrownBy(() -> ProxyHeaders.decode(b, 16)).isInstanceOf(ProxyProtocolException.class).hasMessageContaining("too long");
    }

    @Test
    void aV2TlvRunningPastTheEndIsRefused() {
        byte[] b = ProxyHeaders.v2(SRC4, DST4, List.of(new Tlv(Tlv.AUTHORITY, ascii("abc"))), false);
        b[16 + 12 + 2] = 9; // the TLV says 9 bytes; 3 are there
        assertThatThrownBy(() -> decode(b)).isInstanceOf(ProxyProtocolException.class).hasMessageContaining("runs past the header's end");
    }

    @Test
    void aCrc32cMismatchIsRefusedAndAMatchAccepted() throws Exception {
        byte[] good = ProxyHeaders.v2(SRC4, DST4, List.of(new Tlv(Tlv.ALPN, ascii("h2"))), true);
        assertThat(decode(good).alpn()).contains("h2");
        byte[] bad = good.clone();
        bad[17] ^= 1; // one bit of the source address
        assertThatThrownBy(() -> decode(bad)).isInstanceOf(ProxyProtocolException.class).hasMessageContaining("CRC32C mismatch");
        byte[] badCrc = good.clone();
        badCrc[badCrc.length - 1] ^= 1;
        assertThatThrownBy(() -> decode(badCrc)).isInstanceOf(ProxyProtocolException.class).hasMessageContaining("CRC32C mismatch");
    }

    @Test
    void aUniqueIdOver128BytesIsRefused() {
        byte[] b = ProxyHeaders.v2(SRC4, DST4, List.of(new Tlv(Tlv.UNIQUE_ID, new byte[129])), false);
        assertThatThrownBy(() -> decode(b)).isInstanceOf(ProxyProtocolException.class).hasMessageContaining("UNIQUE_ID of 129 bytes");
    }

    @Test
    void anythingElseFirstIsNotAHeader() {
        assertThatThrownBy(() -> decode(ascii("GET / HTTP/1.1\r\n"))).isInstanceOf(ProxyProtocolException.class)
                .hasMessageContaining("not a PROXY protocol header");
    }

    @Test
    void trustedSourcesArePrefixes() {
        ProxySources s = ProxySources.parse(List.of("127.0.0.0/8", "10.213.0.7", "::1/128"));
        assertThat(s.trusts(SockAddr.parse("127.1.2.3:5"))).isTrue();
        assertThat(s.trusts(SockAddr.parse("10.213.0.7:5"))).isTrue();
        assertThat(s.trusts(SockAddr.parse("10.213.0.8:5"))).isFalse();
        assertThat(s.trusts(SockAddr.parse("[::1]:5"))).isTrue();
        assertThat(s.trusts(SockAddr.parse("[::ffff:127.0.0.1]:5"))).as("IPv4-mapped").isTrue();
        assertThat(s.trusts(SockAddr.parse("[::2]:5"))).isFalse();
        assertThat(s.trusts(SockAddr.parse("/run/x.sock"))).as("a Unix peer").isTrue();
        assertThat(ProxySources.ANY.trusts(SockAddr.parse("192.0.2.1:1"))).isTrue();
        assertThatThrownBy(() -> ProxySources.parse(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--proxy-from 10.0.0.0/33: not a prefix; write ADDR/BITS, e.g. 127.0.0.1/32, 10.0.0.0/8 or ::1/128");
        assertThatThrownBy(() -> ProxySources.parse(List.of("example.com"))).isInstanceOf(IllegalArgumentException.class);
    }
}
