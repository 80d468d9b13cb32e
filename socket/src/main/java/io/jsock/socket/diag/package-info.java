/**
 * The kernel's list of sockets, as {@code ss} asks for it: {@link io.jsock.socket.diag.SockDiag}
 * sends sock_diag(7) dump requests over a netlink socket and reads each answer into a
 * {@link io.jsock.socket.diag.DiagSocket}. The structs of the exchange are laid out in this package
 * and not exported.
 *
 * <p>Unless a parameter or a return value says otherwise, nothing here takes or returns {@code null}.
 */
package io.jsock.socket.diag;
