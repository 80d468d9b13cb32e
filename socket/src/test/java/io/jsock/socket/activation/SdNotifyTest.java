package io.jsock.socket.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.socket.Errno;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** SdNotify's messages, each one datagram, received by a service manager's socket of the test's own (path and abstract). */
class SdNotifyTest {

    private static String receive(Socket manager) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(4096);
        Socket.Received r = manager.recvfrom(b);
        return new String(b.array(), 0, r.length(), StandardCharsets.UTF_8);
    }

    @Test
    void eachMessageIsOneDatagramToTheAbstractName() throws Exception {
        SockAddr.Local at = SockAddr.Local.abstractName("jsock-sdnotify-test-" + ProcessHandle.current().pid());
        try (Socket manager = Socket.open(Family.LOCAL, SocketType.DGRAM, Protocol.DEFAULT);
             SdNotify n = SdNotify.to(at)) {
            manager.bind(at);
            manager.setTimeout(Duration.ofSeconds(60));
            n.ready();
            n.status("3 connections\nnot this");
            n.watchdog();
            n.send("RELOADING=1\nMONOTONIC_USEC=1");
            n.stopping();
            assertThat(receive(manager)).isEqualTo("READY=1");
            assertThat(receive(manager)).isEqualTo("STATUS=3 connections");
            assertThat(receive(manager)).isEqualTo("WATCHDOG=1");
            assertThat(receive(manager)).isEqualTo("RELOADING=1\nMONOTONIC_USEC=1");
            assertThat(receive(manager)).isEqualTo("STOPPING=1");
            assertThat(n.watchdogInterval()).isEmpty();
        }
    }

    @Test
    void nobodyListeningIsTheKernelsErrorNamingTheSocket() throws Exception {
        SockAddr.Local at = SockAddr.Local.abstractName("jsock-sdnotify-nobody-" + ProcessHandle.current().pid());
        try (SdNotify n = SdNotify.to(at)) {
            assertThatThrownBy(n::ready)
                    .satisfies(e -> assertThat(((SyscallFailure) e).errno()).isEqualTo(Errno.ECONNREFUSED))
                    .hasMessageContaining("sendto @jsock-sdnotify-nobody-");
        }
    }
}
