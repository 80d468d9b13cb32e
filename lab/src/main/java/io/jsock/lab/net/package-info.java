/**
 * The test network: a client, a router and a server in network namespaces joined by veth pairs
 * ({@link io.jsock.lab.net.TestNetwork}), with an address for each way a connect can fail; the
 * namespaces' protocol counters ({@link io.jsock.lab.net.NetCounters}); and running programs with a
 * time limit ({@link io.jsock.lab.net.Exec}). Needs root and iproute2; everything made is removed
 * when the network is closed, also after a failure.
 */
package io.jsock.lab.net;
