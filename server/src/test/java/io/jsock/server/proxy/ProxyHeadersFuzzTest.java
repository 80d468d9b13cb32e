package io.jsock.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jsock.server.proxy.ProxyHeader.Tlv;
import io.jsock.socket.SockAddr;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PROXY header decoder (v1 and v2) fed by Jazzer from well-formed seeds: every input is a header,
 * "not yet", or a {@link ProxyProtocolException}; never another exception, never a header longer than
 * the input. In the suite: the seeds, then {@code jsock.fuzz.seconds} of fuzzing (the parent pom's
 * fuzz profile).
 */
class ProxyHeadersFuzzTest {
    static Stream<Arguments> seeds() {
        return Stream.of(
                ProxyHeaders.v1(SockAddr.parse("192.0.2.1:1"), SockAddr.parse("198.51.100.2:80")),
                ProxyHeaders.v1(SockAddr.parse("[2001:db8::1]:1"), SockAddr.parse("[::1]:443")),
                "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII),
                ProxyHeaders.v2(SockAddr.parse("192.0.2.1:1"), SockAddr.parse("198.51.100.2:80"),
                        List.of(new Tlv(Tlv.ALPN, new byte[] {'h', '2'}), new Tlv(Tlv.SSL, new byte[] {1, 0, 0, 0, 0})), true),
                ProxyHeaders.v2(SockAddr.parse("[2001:db8::1]:1"), SockAddr.parse("[::1]:443"), List.of(), false),
                ProxyHeaders.v2(SockAddr.parse("/a"), SockAddr.parse("/b"), List.of(new Tlv(Tlv.NETNS, new byte[] {'n'})), true),
                ProxyHeaders.v2Local())
                .map(b -> Arguments.of((Object) b));
    }

    @MethodSource("seeds")
    @FuzzTest
    void headers(byte[] input) {
        try {
            ProxyHeader h = ProxyHeaders.decode(input, input.length);
            if (h != null) {
                assertThat(h.length()).isBetween(1, input.length);
                assertThat(h.hasAddresses()).isEqualTo(!h.local() && h.source() != null);
            }
        } catch (ProxyProtocolException refused) {
            assertThat(refused.getMessage()).isNotBlank().doesNotContain("\n");
        }
    }
}
