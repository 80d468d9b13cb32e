package io.jsock.server.serving;

import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.Socket;
import java.io.IOException;
import java.time.ZonedDateTime;

/**
 * Opens, while descriptors are plentiful, what the JVM and the socket layer would otherwise open on
 * first need, when a busy server may have none left (EMFILE): the socket layer's pollers (an epoll
 * instance and a thread each; made on first need, a failure only fails that call), the
 * time-zone database (read by daytime and by every log line's time stamp; a failed read leaves its
 * class unusable) and the classes of accept's own failure. Seen with {@code ulimit -n 40}: without this, one exhaustion broke every later
 * virtual-thread read in the process. Every process jsock starts that accepts calls it before it
 * accepts: the in-process models and each {@code prefork} worker.
 */
public final class Warmup {
    private Warmup() {}

    private static volatile boolean done;

    /**
     * Opens what is listed above, the first time only; cheap after that.
     *
     * @throws IOException if the pollers cannot start (EMFILE already)
     */
    public static void once() throws IOException {
        if (done) return;
        Socket.preload(); // the pollers' epoll instances and threads
        ZonedDateTime.now();
        // The first EMFILE must not need a class file (a class path of directories opens one per class).
        new ErrnoException("accept", Errno.EMFILE.number(), "warm-up").getMessage();
        AcceptBackoff.retriedAtOnce(Errno.EMFILE);
        done = true;
    }
}
