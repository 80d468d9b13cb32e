package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jsock.lab.net.NetCounters;
import io.jsock.cli.JsockProcess.Run;
import io.jsock.lab.net.TestNetwork;
import io.jsock.socket.SockAddr;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code jsock connect} on the test network: run as a program in the client namespace
 * ({@code ip netns exec}), each error of UNP 4.3 is one line and exit 1, and the namespaces'
 * counters show what happened on the wire; through the router, data flows both ways.
 */
class ConnectCommandNetnsTest {
    private static TestNetwork net;

    @BeforeAll
    static void buildTheNetwork() throws IOException {
        assumeTrue(TestNetwork.isAvailable(), () -> "skipped: " + TestNetwork.unavailableReason());
        net = TestNetwork.create();
    }

    @AfterAll
    static void removeTheNetwork() {
        if (net != null) net.close();
    }

    /** {@code ip netns exec CLIENT java ... io.jsock.cli.Main connect ARGS}, with {@code stdin} then end of input. */
    private static Run jsockInClient(String stdin, String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "connect";
        System.arraycopy(args, 0, all, 1, args.length);
        return JsockProcess.run(argv -> net.start(net.client(), argv), JsockProcess.command(List.of(), all),
                stdin.getBytes(StandardCharsets.UTF_8));
    }

    private static String oneLine(String call, String address, String errno) {
        return "jsock: " + call + " " + address.replace(".", "\\.") + ": " + errno + " after \\d+\\.\\d s\n";
    }

    @Test
    void refusedIsOneLineAndTheRstCameFromTheServerHost() throws Exception {
        String target = net.serverAddress().getHostAddress() + ":9";
        NetCounters client0 = net.counters(net.client()), server0 = net.counters(net.server());

        Run r = jsockInClient("", target, "--syn-retries", "1");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).matches(oneLine("connect", target, "ECONNREFUSED \\(Connection refused\\)"));
        assertThat(net.counters(net.server()).since(server0, "Tcp", "OutRsts")).isEqualTo(1);
        assertThat(net.counters(net.client()).since(client0, "Tcp", "RetransSegs")).isZero();
    }

    @Test
    void timedOutIsOneLineAfterTheSynWasRetransmitted() throws Exception {
        String target = net.silentAddress().getHostAddress() + ":80";
        NetCounters client0 = net.counters(net.client());

        Run r = jsockInClient("", target, "--syn-retries", "1");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).matches(oneLine("connect", target, "ETIMEDOUT \\(Connection timed out\\)"));
        assertThat(net.counters(net.client()).since(client0, "TcpExt", "TCPSynRetrans")).isPositive();
    }

    @Test
    void hostUnreachableIsOneLineAndTheRoutersIcmpArrived() throws Exception {
        String target = net.hostUnreachableAddress().getHostAddress() + ":80";
        Inet4Address from = net.clientAddresses().get(4); // its own ICMP allowance in the router
        NetCounters client0 = net.counters(net.client());

        Run r = jsockInClient("", target, "--syn-retries", "1", "--bind", from.getHostAddress());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).matches(oneLine("connect", target, "EHOSTUNREACH \\(No route to host\\)"));
        assertThat(net.counters(net.client()).since(client0, "Icmp", "InDestUnreachs")).isPositive();
    }

    @Test
    void withoutARouteNetworkUnreachableIsOneLineAndNothingWasSent() throws Exception {
        String target = net.unroutedAddress().getHostAddress() + ":80";
        NetCounters client0 = net.counters(net.client());

        Run r = jsockInClient("", target, "--syn-retries", "1");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).matches(oneLine("connect", target, "ENETUNREACH \\(Network is unreachable\\)"));
        assertThat(net.counters(net.client()).since(client0, "Tcp", "OutSegs")).isZero();
    }

    @Test
    void throughTheRouterTheEchoComesBackAfterTheHalfClose() throws Exception {
        try (EchoServer echo = net.call(net.server(), () -> new EchoServer(SockAddr.of(net.serverAddress(), 0)))) {
            Run r = jsockInClient("hello through the router\n", "-v", echo.address().toString());

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.outText()).isEqualTo("hello through the router\n");
            assertThat(r.err()).startsWith("jsock: connected: local " + echo.peers.getFirst() + ", peer " + echo.address() + "\n")
                    .contains("the peer closed the connection (after our FIN): 25 bytes sent, 25 received");
            assertThat(echo.peers.getFirst().toString()).startsWith(net.clientAddress().getHostAddress() + ":");
        }
    }

    @Test
    void jsocksOwnTimeoutSaysItWasJsocksNotTheKernels() throws Exception {
        String target = net.silentAddress().getHostAddress() + ":80";

        CliRun r = net.call(net.client(), () -> {
            try {
                return CliRun.connect("", "--timeout", "300ms", target);
            } catch (Exception e) {
                throw new IOException(e);
            }
        });

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).matches("jsock: connect " + target.replace(".", "\\.")
                + ": ETIMEDOUT \\(Connection timed out\\): jsock's timeout expired after \\d+\\.\\d s\n");
    }
}
