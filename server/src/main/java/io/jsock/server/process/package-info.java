/**
 * The process models' machinery: {@code ProcessPerClient} ({@code process}) and {@code Preforked}
 * ({@code prefork:N}) in the server, and what runs in the children they spawn: {@code ChildMain}
 * (the child JVM's main class), {@code PreforkWorker}, {@code ChildJvm} (its command line) and
 * {@code AotCache}. Touches only {@code io.jsock.server.serving} (and the API), with one exception:
 * a prefork worker serves its connections with {@code threads.ThreadPerClient}, as the
 * {@code virtual} model does. Not exported.
 */
package io.jsock.server.process;
