package io.jsock.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each example runs as a real module (java -p ... -m io.jsock.examples/...) in a child JVM and says what it should. */
class ExamplesTest {

    /** Runs the example, expects exit 0 and no warning from the JVM (native access is granted to io.jsock.socket). */
    private static String run(String main, String... args) throws Exception {
        Modules.Run r = Modules.runExample(main, args);
        assertThat(r.exit()).as("exit status of %s; stderr:%n%s", main, r.err()).isZero();
        assertThat(r.err()).as("stderr of %s", main).isEmpty();
        return r.out();
    }

    @Test
    void aSeqpacketPairKeepsEachWriteAsOneRecord() throws Exception {
        assertThat(run("SeqpacketPair")).isEqualTo("""
                record of 3 bytes: one
                record of 9 bytes: two three
                record of 4 bytes: four
                """);
    }

    @Test
    void aTcpServerRunsAHandlerOfItsOwn() throws Exception {
        assertThat(run("UpperCaseServer")).isEqualTo("model virtual: HELLO, JSOCK\n");
    }

    @Test
    void theProcessModelBuildsTheHandlerInAChildJvmOnTheModulePath() throws Exception {
        // The child JVM is started with -p and --add-modules (ChildJvm), finds io.jsock.examples and
        // builds UpperCase there: the reply comes from that child.
        assertThat(run("UpperCaseServer", "process")).isEqualTo("model process: HELLO, JSOCK\n");
    }

    @Test
    void anEpollServerCallsItsEventHandlerPerConnection() throws Exception {
        assertThat(run("ByteCountingServer")).isEqualTo("the server counted 100000 bytes\n");
    }

    @Test
    void aUdpReplyGoesToTheAddressRecvfromGave() throws Exception {
        String out = run("UdpExchange");
        assertThat(out).containsPattern("(?m)^server got 'ping' from 127\\.0\\.0\\.1:\\d+$")
                .containsPattern("(?m)^client got 'pong' from 127\\.0\\.0\\.1:\\d+ \\(the server\\)$");
    }

    @Test
    void tcpInfoTellsTheConnectionsStateAndWhatWasAcknowledged() throws Exception {
        String out = run("TcpInfoOfAConnection");
        assertThat(out).startsWith("state ESTABLISHED\n")
                .contains("bytes acked 10001 (the data, and 1 for the SYN), received 10000\n")
                .containsPattern("segments out \\d+, in \\d+, retransmitted \\d+")
                .containsPattern("rtt \\d+ us");
    }
}
