package io.jsock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.socket.SockAddr;
import org.junit.jupiter.api.Test;

/** The admission's decisions, without a server: rules, per-source counts (IPv6 by /64), the rate bucket. */
class AdmissionTest {
    private static SockAddr at(String a) {
        return SockAddr.parse(a);
    }

    @Test
    void theMostSpecificBlockDecidesAndDenyWinsATie() {
        Admission a = Admission.builder().allow(Cidr.parse("10.0.0.0/8")).deny(Cidr.parse("10.9.0.0/16"))
                .allow(Cidr.parse("10.9.9.0/24")).deny(Cidr.parse("10.1.0.0/8")).build();
        assertThat(a.admit(at("10.9.1.1:1"))).isEqualTo("deny 10.9.0.0/16");
        assertThat(a.admit(at("10.9.9.1:1"))).as("a longer allow inside the denied block").isNull();
        assertThat(a.admit(at("10.1.1.1:1"))).as("deny and allow of one length: deny").isEqualTo("deny 10.0.0.0/8");
    }

    @Test
    void withAnAllowListAnAddressNoRuleHoldsIsRefused() {
        Admission a = Admission.builder().allow(Cidr.parse("127.0.0.1")).build();
        assertThat(a.admit(at("127.0.0.1:1"))).isNull();
        assertThat(a.admit(at("127.0.0.2:1"))).isEqualTo("not in --allow 127.0.0.1/32");
        Admission denyOnly = Admission.builder().deny(Cidr.parse("127.0.0.2")).build();
        assertThat(denyOnly.admit(at("127.0.0.3:1"))).as("only deny rules: the rest is admitted").isNull();
    }

    @Test
    void unixPeersHaveNoSourceAndAreAlwaysAdmitted() {
        Admission a = Admission.builder().allow(Cidr.parse("10.0.0.0/8")).maxPerSource(1).rate("1/m").build();
        for (int i = 0; i < 3; i++) assertThat(a.admit(at("/run/x.sock"))).isNull();
    }

    @Test
    void aSourceHoldsAtMostNAtOnceAndGetsASlotBackAtRelease() {
        Admission a = Admission.builder().maxPerSource(2).build();
        assertThat(a.admit(at("127.0.0.1:1"))).isNull();
        assertThat(a.admit(at("127.0.0.1:2"))).isNull();
        assertThat(a.admit(at("127.0.0.1:3"))).isEqualTo("max-per-ip 2 from 127.0.0.1");
        assertThat(a.admit(at("127.0.0.2:1"))).as("another source").isNull();
        a.release(at("127.0.0.1:1"));
        assertThat(a.admit(at("127.0.0.1:4"))).isNull();
        a.release(at("127.0.0.1:2"));
        a.release(at("127.0.0.1:4"));
        a.release(at("127.0.0.2:1"));
        assertThat(a.liveFrom(at("127.0.0.1:1"))).isZero();
    }

    @Test
    void ipv6SourcesAreCountedBySlash64() {
        Admission a = Admission.builder().maxPerSource(1).build();
        assertThat(a.admit(at("[2001:db8:0:1::1]:1"))).isNull();
        assertThat(a.admit(at("[2001:db8:0:1::ffff]:1"))).isEqualTo("max-per-ip 1 from 2001:db8:0:1:0:0:0:0/64");
        assertThat(a.admit(at("[2001:db8:0:2::1]:1"))).as("the next /64").isNull();
    }

    @Test
    void theRateLetsNThroughThenRefusesUntilTheBucketRefills() {
        Admission a = Admission.builder().rate("3/m").build(); // refills one token per 20 s: not within this test
        for (int i = 0; i < 3; i++) assertThat(a.admit(at("127.0.0.1:" + (i + 1)))).isNull();
        assertThat(a.admit(at("127.0.0.1:9"))).isEqualTo("rate 3/m from 127.0.0.1");
        assertThat(a.admit(at("127.0.0.2:9"))).as("a bucket per source").isNull();
    }

    @Test
    void badRatesAndCountsSayWhatIsAccepted() {
        for (String bad : new String[] {"5", "0/s", "5/h", "x/s", "-1/s", "10000000/s"}) {
            assertThatThrownBy(() -> Admission.builder().rate(bad)).as(bad).hasMessageContaining("expected N/s or N/m");
        }
        assertThatThrownBy(() -> Admission.builder().maxPerSource(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyAdmissionLimitsNothing() {
        assertThat(Admission.builder().build().isEmpty()).isTrue();
        assertThat(Admission.builder().build()).hasToString("admit all");
        assertThat(Admission.builder().maxPerSource(2).rate("5/s").build()).hasToString("max-per-ip 2, rate 5/s");
    }
}
