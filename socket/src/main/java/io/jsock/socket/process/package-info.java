/**
 * Child processes for servers that run a program per connection (UNP's fork-and-exec, inetd):
 * {@link io.jsock.socket.process.ChildProcess} spawns one with posix_spawn(3), sockets as its
 * descriptors, and has it reaped by its pid alone; {@link io.jsock.socket.process.ExitStatus} says
 * how it ended.
 *
 * <p>Unless a parameter or a return value says otherwise, nothing here takes or returns {@code null}.
 */
package io.jsock.socket.process;
