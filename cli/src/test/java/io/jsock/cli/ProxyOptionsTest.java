package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** jsock tests jsock: {@code connect --proxy v1|v2} in front of {@code serve --proxy-protocol -v}, and the options' one-line refusals. */
class ProxyOptionsTest {
    private static JsockProcess.Run run(byte[] stdin, String... args) throws Exception {
        return JsockProcess.run(JsockProcess.command(List.of(), args), stdin);
    }

    @Test
    void connectSendsTheHeaderAndServeLogsTheClientItNames() throws Exception {
        try (ServeProcess serve = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0", "--proxy-protocol",
                "--proxy-from", "127.0.0.1/32", "-v")) {
            for (String v : List.of("v1", "v2")) {
                JsockProcess.Run r = run("hi\n".getBytes(StandardCharsets.US_ASCII), "connect", "--proxy", v, "--proxy-source",
                        "192.0.2.7:40000", serve.address().toString());
                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.outText()).isEqualTo("hi\n");
                serve.awaitLine(l -> l.contains(" 192.0.2.7:40000 > " + serve.address() + " open (PROXY " + v + " via 127.0.0.1:"));
            }
            JsockProcess.Run plain = run("x".getBytes(StandardCharsets.US_ASCII), "connect", serve.address().toString());
            assertThat(plain.outText()).as("without a header the connection is closed").isEmpty();
            serve.awaitLine(l -> l.contains("refused: not a PROXY protocol header"));
            serve.signal("TERM");
            assertThat(serve.awaitExit()).isZero();
        }
    }

    @Test
    void badProxyOptionsAreOneLineAndExitTwo() throws Exception {
        JsockProcess.Run r = run(new byte[0], "connect", "--proxy", "v3", "127.0.0.1:9");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("jsock: bad --proxy 'v3'; expected v1 or v2");
        r = run(new byte[0], "serve", "echo", "--bind", "127.0.0.1:0", "--proxy-from", "127.0.0.1/32");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("jsock: --proxy-from needs --proxy-protocol");
        r = run(new byte[0], "serve", "echo", "--bind", "127.0.0.1:0", "--proxy-protocol", "--proxy-from", "10.0.0.0/40");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("jsock: --proxy-from 10.0.0.0/40: not a prefix; write ADDR/BITS");
        r = run(new byte[0], "serve", "echo", "--bind", "127.0.0.1:0", "--takeover");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("jsock: --takeover needs --control PATH: the running server's control socket");
        r = run(new byte[0], "serve", "echo", "--bind", "127.0.0.1:0", "--proxy-protocol", "--model", "epoll");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("jsock: the PROXY protocol is read by the iterative, thread, virtual, pool, process and prefork models");
    }
}
