/**
 * The BSD socket API of UNP chapter 4 over the FFM API: {@code socket}, {@code bind}, {@code listen},
 * {@code accept}, {@code connect}, {@code close} and {@code shutdown}, every family, type and protocol,
 * the kernel's errno named on every failure.
 *
 * <p>This module binds libc, so it needs native access: run with
 * {@code --enable-native-access=io.jsock.socket} (on the class path: {@code ALL-UNNAMED}, or
 * {@code Enable-Native-Access: ALL-UNNAMED} in the manifest of the jar that is run).
 */
module io.jsock.socket {
    exports io.jsock.socket;
    exports io.jsock.socket.event;
    exports io.jsock.socket.diag;
    exports io.jsock.socket.process;
    exports io.jsock.socket.activation;
    exports io.jsock.socket.packet;
}
