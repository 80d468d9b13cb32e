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

    @Test
    void storedListenersReachTheManagerAsDescriptorsOfTheSameSockets() throws Exception {
        SockAddr.Local at = SockAddr.Local.abstractName("jsock-sdnotify-store-" + ProcessHandle.current().pid());
        try (Socket manager = Socket.open(Family.LOCAL, SocketType.DGRAM, Protocol.DEFAULT);
             Socket four = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
             Socket six = Socket.open(Family.INET6, SocketType.STREAM, Protocol.DEFAULT);
             SdNotify n = SdNotify.to(at)) {
            manager.bind(at);
            manager.setTimeout(Duration.ofSeconds(60));
            four.bind(SockAddr.loopback4(0));
            four.listen(8);
            six.bind(SockAddr.loopback6(0));
            six.listen(8);
            n.store("web", java.util.List.of(four, six));
            n.removeFromStore("web");
            ByteBuffer b = ByteBuffer.allocate(4096);
            io.jsock.socket.Message m = manager.recvmsg(b, 253);
            assertThat(new String(b.array(), 0, m.length(), StandardCharsets.US_ASCII)).isEqualTo("FDSTORE=1\nFDNAME=web");
            assertThat(m.rights()).hasSize(2);
            try (Socket got4 = m.rights().get(0).adopt(); Socket got6 = m.rights().get(1).adopt()) {
                // the manager's copies are the same listeners: the same bound addresses, still listening
                assertThat(got4.getsockname()).isEqualTo(four.getsockname());
                assertThat(got6.getsockname()).isEqualTo(six.getsockname());
                assertThat(got4.getOption(io.jsock.socket.SockOpt.SO_ACCEPTCONN)).isTrue();
                assertThat(got4.fd()).isNotEqualTo(four.fd());
            }
            assertThat(receive(manager)).isEqualTo("FDSTOREREMOVE=1\nFDNAME=web");
        }
    }

    @Test
    void aNameSystemdWouldRefuseIsRefusedBeforeSending() {
        for (String bad : new String[] {"", "a:b", "sp ace", "x".repeat(256), "t\u00e9"}) {
            assertThatThrownBy(() -> SdNotify.checkName(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected 1 to 255 printable ASCII characters");
        }
        assertThat(SdNotify.checkName("jsock-bind.127.0.0.1_9877")).isEqualTo("jsock-bind.127.0.0.1_9877");
    }
}
