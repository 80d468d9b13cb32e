package io.jsock.bench.jmh;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The round trip of {@link RoundTripBench} measured in pairs, for a shared and noisy machine: batches
 * of jsock and JDK round trips alternate in one process, so a burst of load from elsewhere hits both
 * alike, and the median of the per-pair ratios is reported. Complements the JMH figures, whose
 * benchmarks run one after the other.
 *
 * <p>{@code java --enable-native-access=ALL-UNNAMED -cp bench/target/jsock-bench.jar
 * io.jsock.bench.jmh.RoundTripPaired [pairs=30] [batch=5000] [platform|virtual|both]}
 */
public final class RoundTripPaired {
    private RoundTripPaired() {}

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        String which = args.length > 2 ? args[2] : "both";
        try (LoopbackEcho echo = new LoopbackEcho()) {
            if (!which.equals("virtual")) report("platform", run(echo, pairs, batch));
            if (!which.equals("platform")) {
                CompletableFuture<double[][]> f = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    try {
                        f.complete(run(echo, pairs, batch));
                    } catch (Throwable t) {
                        f.completeExceptionally(t);
                    }
                });
                report("virtual", f.get());
            }
        }
    }

    /** [0]: jsock µs per round trip per pair, [1]: the JDK's. */
    private static double[][] run(LoopbackEcho echo, int pairs, int batch) throws IOException {
        try (Socket jsock = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP);
                SocketChannel jdk = SocketChannel.open(echo.address())) {
            jsock.setOption(SockOpt.TCP_NODELAY, true);
            jsock.connect(SockAddr.of(echo.address()));
            jdk.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer out = ByteBuffer.allocate(RoundTripBench.SIZE), in = ByteBuffer.allocate(RoundTripBench.SIZE);
            for (int i = 0; i < 3; i++) { // warm up both paths
                time(jsock, null, out, in, batch);
                time(null, jdk, out, in, batch);
            }
            double[][] r = new double[2][pairs];
            for (int p = 0; p < pairs; p++) {
                boolean jsockFirst = p % 2 == 0; // alternate the order too
                if (jsockFirst) r[0][p] = time(jsock, null, out, in, batch);
                r[1][p] = time(null, jdk, out, in, batch);
                if (!jsockFirst) r[0][p] = time(jsock, null, out, in, batch);
            }
            return r;
        }
    }

    private static double time(Socket jsock, SocketChannel jdk, ByteBuffer out, ByteBuffer in, int n) throws IOException {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            out.clear();
            in.clear();
            if (jsock != null) {
                jsock.writeFully(out);
                jsock.readFully(in);
            } else {
                while (out.hasRemaining()) jdk.write(out);
                while (in.hasRemaining()) {
                    if (jdk.read(in) < 0) throw new EOFException();
                }
            }
        }
        return (System.nanoTime() - t0) / 1000.0 / n;
    }

    private static void report(String thread, double[][] r) {
        int pairs = r[0].length;
        double[] ratio = new double[pairs];
        for (int p = 0; p < pairs; p++) ratio[p] = r[0][p] / r[1][p];
        System.out.printf("%-8s pairs=%d  jsock median %.2f us/op  jdk median %.2f us/op  jsock/jdk median ratio %.3f (quartiles %.3f..%.3f)%n",
                thread, pairs, median(r[0]), median(r[1]), median(ratio), quantile(ratio, 0.25), quantile(ratio, 0.75));
    }

    private static double median(double[] v) {
        return quantile(v, 0.5);
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.round(q * (s.length - 1)))];
    }
}
