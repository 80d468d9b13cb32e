/**
 * Small programs a user of jsock would copy, each a main class: a Unix SEQPACKET pair, a TcpServer
 * with a Handler of its own, an epoll EventHandler server, a UDP exchange, and a connection's
 * TCP_INFO. Run one with
 * {@code java --enable-native-access=io.jsock.socket -p MODULE_PATH -m io.jsock.examples/io.jsock.examples.SeqpacketPair}.
 */
module io.jsock.examples {
    requires io.jsock.server; // and through it io.jsock.socket

    // The process and prefork models build a Java Handler in a child JVM, by reflection from
    // io.jsock.server: the handler's package must be exported (or opened) to it.
    exports io.jsock.examples to io.jsock.server;
}
