/**
 * The seam between {@code TcpServer} and the models' machinery, and the only part of the server
 * the machinery packages touch besides the API: {@code Serving} (the accept loop written once, the
 * registry of live connections, the ordered finish at shutdown), {@code ServerConfig} (what the
 * builder gathered), {@code Design} (what each model implements), {@code LiveConnection},
 * {@code ExclusiveAccept} (waiting on a shared listener without the herd), {@code AcceptBackoff}
 * (accept's failures, in every model) and {@code Warmup}. Not
 * exported. ({@code LiveConnections}, the registry shutdown waits on, is Serving's own.)
 */
package io.jsock.server.serving;
