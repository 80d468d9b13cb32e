/**
 * Running under a service manager: the sockets systemd (or inetd) made and handed over
 * ({@link io.jsock.socket.activation.ListenFds}, sd_listen_fds(3)), and the messages a service sends
 * back to systemd ({@link io.jsock.socket.activation.SdNotify}, sd_notify(3)).
 */
package io.jsock.socket.activation;
