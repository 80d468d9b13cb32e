/**
 * The thread models' machinery: {@code AcceptorThreads} ({@code iterative}, {@code pool:N}) and
 * {@code ThreadPerClient} ({@code thread}, {@code virtual}). Touches only {@code io.jsock.server.serving}
 * (and the API). Not exported.
 */
package io.jsock.server.threads;
