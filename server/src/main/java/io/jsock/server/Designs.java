package io.jsock.server;

import io.jsock.server.epoll.EventLoops;
import io.jsock.server.uring.UringLoops;
import io.jsock.server.process.Preforked;
import io.jsock.server.process.ProcessPerClient;
import io.jsock.server.serving.Design;
import io.jsock.server.threads.AcceptorThreads;
import io.jsock.server.threads.ThreadPerClient;

/**
 * The design class for each {@link Model}, built in one place: a switch over the sealed type, so a
 * new variant without its case here does not compile. (The variants cannot build their designs
 * themselves: {@link Design} is not exported, and a public method of {@code Model} should not
 * return it.)
 */
final class Designs {
    private Designs() {}

    static Design of(Model model) {
        return switch (model) {
            case Model.Iterative m -> new AcceptorThreads(1, "jsock-iterative");
            case Model.Pool m -> new AcceptorThreads(m.size(), "jsock-pool");
            case Model.ThreadPerClient m -> ThreadPerClient.platform();
            case Model.VirtualThreadPerClient m -> ThreadPerClient.virtual();
            case Model.Epoll m -> new EventLoops(m);
            case Model.Uring m -> new UringLoops(m);
            case Model.ProcessPerClient m -> new ProcessPerClient();
            case Model.Prefork m -> new Preforked(m.size());
        };
    }
}
