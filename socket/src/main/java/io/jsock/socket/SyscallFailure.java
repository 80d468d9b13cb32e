package io.jsock.socket;

/**
 * What every jsock failure says besides its JDK type: the call that failed, the kernel's errno and
 * the address the call was about. Each failure is an {@link java.io.IOException} of the type the JDK
 * itself would throw, so existing {@code catch} clauses keep working, and implements this interface,
 * so code that wants the errno can ask for it:
 *
 * <pre>{@code
 * try {
 *     s.connect(SockAddr.parse("127.0.0.1:9"));
 * } catch (ConnectException e) {                       // the JDK's type: ECONNREFUSED or ETIMEDOUT
 *     Errno why = ((SyscallFailure) e).errno();
 * } catch (IOException e) {
 *     if (e instanceof SyscallFailure f && f.errno() == Errno.EHOSTUNREACH) ...
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Which type each failure has</caption>
 *   <tr><th>failure</th><th>type</th><th>JDK type it extends</th></tr>
 *   <tr><td>connect: ECONNREFUSED, ETIMEDOUT (the kernel's)</td><td>{@link ErrnoConnectException}</td>
 *       <td>{@link java.net.ConnectException}</td></tr>
 *   <tr><td>connect: EHOSTUNREACH, ENETUNREACH</td><td>{@link ErrnoNoRouteToHostException}</td>
 *       <td>{@link java.net.NoRouteToHostException}</td></tr>
 *   <tr><td>bind: EADDRINUSE, EADDRNOTAVAIL, EACCES; listen: EADDRINUSE; connect: EADDRINUSE,
 *       EADDRNOTAVAIL</td><td>{@link ErrnoBindException}</td><td>{@link java.net.BindException}</td></tr>
 *   <tr><td>jsock's own timeouts ({@link Socket#setTimeout}, the connect timeout)</td>
 *       <td>{@link ErrnoSocketTimeoutException}</td><td>{@link java.net.SocketTimeoutException}</td></tr>
 *   <tr><td>a call on a closed socket, or one closed under it</td><td>{@link SocketClosedException}</td>
 *       <td>{@link java.nio.channels.ClosedChannelException}</td></tr>
 *   <tr><td>every other errno</td><td>{@link ErrnoException}</td><td>{@link java.io.IOException}</td></tr>
 * </table>
 *
 * <p>Every message is one line: {@code connect 127.0.0.1:9: ECONNREFUSED (Connection refused)}.
 */
public sealed interface SyscallFailure permits ErrnoException, ErrnoConnectException, ErrnoNoRouteToHostException,
        ErrnoBindException, ErrnoSocketTimeoutException, SocketClosedException {
    /**
     * The errno, named.
     *
     * @return the errno, or {@code null} for a number Linux does not define
     */
    default Errno errno() {
        return Errno.of(errnoNumber());
    }

    /**
     * The raw errno number.
     *
     * @return the number the call failed with, e.g. 111 for ECONNREFUSED
     */
    int errnoNumber();

    /**
     * The failing call.
     *
     * @return its name, e.g. {@code "connect"}; never {@code null}
     */
    String syscall();

    /**
     * The one-line message, as {@link Throwable#getMessage()} gives it.
     *
     * @return e.g. {@code connect 127.0.0.1:9: ECONNREFUSED (Connection refused)}; never {@code null}
     */
    String getMessage();

    /**
     * The address the call was about, as text.
     *
     * @return e.g. {@code "127.0.0.1:9"} or {@code "fd 7"}, or {@code null} when the call was about none
     */
    String address();
}
