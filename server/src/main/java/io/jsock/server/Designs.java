package io.jsock.server;

import io.jsock.server.epoll.EventLoops;
import io.jsock.server.process.Preforked;
import io.jsock.server.process.ProcessPerClient;
import io.jsock.server.serving.Design;
import io.jsock.server.threads.AcceptorThreads;
import io.jsock.server.threads.ThreadPerClient;

/** The design class for each model. */
final class Designs {
    private Designs() {}

    static Design of(Model model) {
        return switch (model.kind()) {
            case ITERATIVE -> new AcceptorThreads(1, "jsock-iterative");
            case POOL -> new AcceptorThreads(model.n(), "jsock-pool");
            case THREAD -> ThreadPerClient.platform();
            case VIRTUAL -> ThreadPerClient.virtual();
            case EPOLL -> new EventLoops(model.n());
            case PROCESS -> new ProcessPerClient();
            case PREFORK -> new Preforked(model.n());
        };
    }
}
