package io.jsock.lab.net;

/**
 * A program for TestNetworkTest: builds a test network, prints its namespaces' names, then ends
 * without closing it, the way a run ends when it is interrupted: {@code exit} returns from main,
 * {@code wait} waits for SIGTERM.
 */
public final class AbandonedNetwork {
    private AbandonedNetwork() {}

    public static void main(String[] args) throws Exception {
        TestNetwork net = TestNetwork.create();
        System.out.println(String.join(" ", net.namespaces()));
        System.out.flush();
        if (args.length > 0 && args[0].equals("wait")) Thread.sleep(60_000);
    }
}
