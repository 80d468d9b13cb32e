/**
 * The lab: each claim of UNP chapter 4 as an experiment run on this kernel ({@code jsock lab}), with
 * what the text says beside what the kernel did; and the test network the experiments (and tests)
 * build from network namespaces and veth pairs, removed when they end.
 */
@SuppressWarnings("module") // io.jsock.cli, the one reader of io.jsock.lab.text, is built after this module
module io.jsock.lab {
    requires transitive io.jsock.server;

    exports io.jsock.lab;
    exports io.jsock.lab.net;
    exports io.jsock.lab.draw;
    exports io.jsock.lab.text to io.jsock.cli;
}
