package io.jsock.server.datagram;

import java.util.concurrent.atomic.LongAdder;

/** What happened to the datagrams a server received, counted by the threads that handle them. */
public final class Counters {
    /** Datagrams read from the socket. */
    public final LongAdder received = new LongAdder();
    /** Replies sent (or, for a program, children spawned). */
    public final LongAdder answered = new LongAdder();
    /** Not answered: an --allow/--deny rule refuses the source. */
    public final LongAdder denied = new LongAdder();
    /** Not answered: the source port is one a reply must not go to (the reflection guard). */
    public final LongAdder refusedPort = new LongAdder();
    /** Not answered: the source had its replies for this second already. */
    public final LongAdder overRate = new LongAdder();
    /** Not answered: no address to answer to, the send queue full, or sendto failed. */
    public final LongAdder failed = new LongAdder();
}
