package io.jsock.server.serving;

import io.jsock.server.Handler;
import io.jsock.server.LogEvent;
import io.jsock.server.Model;
import io.jsock.server.event.EventHandler;
import io.jsock.server.proxy.ProxyProtocol;
import io.jsock.socket.SockAddr;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Everything {@code TcpServer.Builder} gathered, read by the designs: the server's configuration,
 * one half of the seam a model touches (the other is {@link Serving}'s accept loop).
 *
 * @param bind         the address to listen on
 * @param backlog      listen(2)'s backlog
 * @param model        the concurrency model
 * @param handler      the blocking handler, or null (a command or an event handler is given instead)
 * @param command      the argv to run per connection, or null
 * @param maxConnections the connection cap (0: none)
 * @param grace        how long connections in flight may finish at shutdown
 * @param log          where the events of the server and of each connection go, or null
 * @param eventHandler the epoll model's handler factory, or null
 * @param perLoopListeners whether each epoll loop binds a listener of its own (SO_REUSEPORT) beside the first
 * @param limits       admission, timeouts and the user to run as; {@link Limits#NONE} for none
 * @param proxy        the PROXY protocol setting, or null when connections start with their own data
 */
public record ServerConfig(SockAddr bind, int backlog, Model model, Handler handler, List<String> command,
        int maxConnections, Duration grace, Consumer<LogEvent> log, EventHandler.Factory eventHandler,
        boolean perLoopListeners, Limits limits, ProxyProtocol proxy) {}
