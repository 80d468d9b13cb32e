package io.jsock.server;

/** A prefork worker process. */
final class PreforkWorker {
    private PreforkWorker() {}

    static int run(String[] args) {
        ChildMain.usage("worker mode is not built yet");
        return 2;
    }
}
