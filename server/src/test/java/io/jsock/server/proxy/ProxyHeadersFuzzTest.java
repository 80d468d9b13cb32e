package io.jsock.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.server.proxy.ProxyHeader.Tlv;
import io.jsock.socket.SockAddr;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoder under mutated and random input, bounded in count (seeded: a failure repeats): every
 * input is a header, "not yet", or a {@link ProxyProtocolException}; never another exception, never
 * a header longer than the input. {@link #fuzzOne} is the target a coverage-guided fuzzer (Jazzer's
 * {@code @FuzzTest}) calls the same way.
 */
class ProxyHeadersFuzzTest {
    private static final int INPUTS = 100_000;

    private static final List<byte[]> SEEDS = List.of(
            ProxyHeaders.v1(SockAddr.parse("192.0.2.1:1"), SockAddr.parse("198.51.100.2:80")),
            ProxyHeaders.v1(SockAddr.parse("[2001:db8::1]:1"), SockAddr.parse("[::1]:443")),
            "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII),
            ProxyHeaders.v2(SockAddr.parse("192.0.2.1:1"), SockAddr.parse("198.51.100.2:80"),
                    List.of(new Tlv(Tlv.ALPN, new byte[] {'h', '2'}), new Tlv(Tlv.SSL, new byte[] {1, 0, 0, 0, 0})), true),
            ProxyHeaders.v2(SockAddr.parse("[2001:db8::1]:1"), SockAddr.parse("[::1]:443"), List.of(), false),
            ProxyHeaders.v2(SockAddr.parse("/a"), SockAddr.parse("/b"), List.of(new Tlv(Tlv.NETNS, new byte[] {'n'})), true),
            ProxyHeaders.v2Local());

    /** One input: decoded, "not yet", or refused with the protocol's own exception. */
    static void fuzzOne(byte[] input) {
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

    @Test
    void mutatedAndRandomHeadersNeverCrashTheDecoder() {
        Random random = new Random(0x5CA1E);
        for (int i = 0; i < INPUTS; i++) fuzzOne(mutate(SEEDS.get(random.nextInt(SEEDS.size())), random));
    }

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        switch (r.nextInt(6)) {
            case 0 -> { // flip bits
                for (int k = 1 + r.nextInt(3); k > 0; k--) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            }
            case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1)); // cut short
            case 2 -> { // a random byte value, often a boundary one
                int[] edges = {0, 1, 0x0d, 0x0a, 0x20, 0x7f, 0x80, 0xff};
                b[r.nextInt(b.length)] = (byte) (r.nextBoolean() ? edges[r.nextInt(edges.length)] : r.nextInt(256));
            }
            case 3 -> { // lengths: v2's length field and the first TLV's
                if (b.length > 16) {
                    b[14] = (byte) r.nextInt(256);
                    b[15] = (byte) r.nextInt(256);
                }
            }
            case 4 -> { // grow with random bytes
                byte[] more = new byte[r.nextInt(300)];
                r.nextBytes(more);
                byte[] g = Arrays.copyOf(b, b.length + more.length);
                System.arraycopy(more, 0, g, b.length, more.length);
                b = g;
            }
            default -> { // pure noise, starting like a header now and then
                b = new byte[r.nextInt(400)];
                r.nextBytes(b);
                if (b.length > 0 && r.nextBoolean()) b[0] = r.nextBoolean() ? (byte) 'P' : 0x0d;
            }
        }
        return b;
    }
}
