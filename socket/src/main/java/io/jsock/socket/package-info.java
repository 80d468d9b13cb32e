/**
 * The BSD socket API of UNP chapter 4: {@link io.jsock.socket.Socket} with its calls ({@code socket},
 * {@code bind}, {@code listen}, {@code accept}, {@code connect}, {@code close}, {@code shutdown}, the
 * reads and writes), the addresses ({@link io.jsock.socket.SockAddr}), the arguments of
 * {@code socket(2)} ({@link io.jsock.socket.Family}, {@link io.jsock.socket.SocketType},
 * {@link io.jsock.socket.Protocol}), the options ({@link io.jsock.socket.SockOpt}, with their values
 * {@link io.jsock.socket.Linger}, {@link io.jsock.socket.TcpInfo}, {@link io.jsock.socket.PeerCred}),
 * and the failures: {@link io.jsock.socket.Errno} and the exceptions, each the JDK's own type and a
 * {@link io.jsock.socket.SyscallFailure}. Network namespaces ({@link io.jsock.socket.NetNamespace})
 * sit here too: a socket belongs to the one it was opened in.
 *
 * <p>Unless a parameter or a return value says otherwise, nothing here takes or returns {@code null};
 * a {@code null} argument is a {@link java.lang.NullPointerException}.
 */
package io.jsock.socket;
