package io.jsock.socket;

import java.io.Serializable;
import java.util.Objects;

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
     * A failed system call: what every failure carries, and what its message says.
     *
     * @param syscall the failing call, e.g. {@code "connect"}; not {@code null}
     * @param errnoNumber the errno it failed with, e.g. 111
     * @param address the address the call was about, as text ({@code "127.0.0.1:9"}, {@code "fd 7"}),
     *        or {@code null} when it was about none
     */
    record Call(String syscall, int errnoNumber, String address) implements Serializable {
        /**
         * A call about {@code address}, kept as its text.
         *
         * @param syscall the failing call; not {@code null}
         * @param errnoNumber the errno it failed with
         * @param address what it was about (its {@code toString()} is kept), or {@code null}
         * @return the call
         */
        public static Call of(String syscall, int errnoNumber, Object address) {
            return new Call(Objects.requireNonNull(syscall, "syscall"), errnoNumber, address == null ? null : address.toString());
        }

        /**
         * The one-line message every jsock failure has.
         *
         * @param detail words appended after a colon (a hint, "socket closed"), or {@code null}
         * @return e.g. {@code connect 127.0.0.1:9: ECONNREFUSED (Connection refused)}
         */
        public String message(String detail) {
            StringBuilder m = new StringBuilder(syscall);
            if (address != null) m.append(' ').append(address);
            m.append(": ").append(Errno.describe(errnoNumber));
            if (detail != null) m.append(": ").append(detail);
            return m.toString();
        }
    }

    /**
     * The failed call, which the other accessors read.
     *
     * @return the call, its errno and its address; never {@code null}
     */
    Call call();

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
    default int errnoNumber() {
        return call().errnoNumber();
    }

    /**
     * The failing call's name.
     *
     * @return e.g. {@code "connect"}; never {@code null}
     */
    default String syscall() {
        return call().syscall();
    }

    /**
     * The address the call was about, as text.
     *
     * @return e.g. {@code "127.0.0.1:9"} or {@code "fd 7"}, or {@code null} when the call was about none
     */
    default String address() {
        return call().address();
    }

    /**
     * The one-line message, as {@link Throwable#getMessage()} gives it.
     *
     * @return e.g. {@code connect 127.0.0.1:9: ECONNREFUSED (Connection refused)}; never {@code null}
     */
    String getMessage();
}
