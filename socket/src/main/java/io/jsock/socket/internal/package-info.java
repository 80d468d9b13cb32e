/**
 * The native boundary, not exported: {@code Libc} (the one class that binds libc, one lazily made
 * handle per function, errno captured per thread), {@code IoStatus} (the one place a raw result
 * becomes a count, a would-block, a retry or the exception its errno maps to), {@code Fd} (one
 * descriptor, closed exactly once, with the threads parked on it), {@code Poller} and {@code Wakeup}
 * (how a blocked call waits: virtual threads park and an epoll thread wakes them, platform threads
 * wait in poll(2)), the C structs ({@code Sockaddrs}), Linux's numbers ({@code Constants}) and the
 * words for a missing kernel feature ({@code KernelFeatures}). Only the socket module's own
 * packages use it.
 */
package io.jsock.socket.internal;
