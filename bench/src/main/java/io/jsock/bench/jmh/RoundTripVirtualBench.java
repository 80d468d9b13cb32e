package io.jsock.bench.jmh;

import org.openjdk.jmh.annotations.Fork;

/** {@link RoundTripBench} with JMH's benchmark threads virtual ({@code -Djmh.executor=VIRTUAL}): jsock parks in its poller, the JDK in its own. */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Djmh.executor=VIRTUAL"})
public class RoundTripVirtualBench extends RoundTripBench {
    @Override
    boolean virtual() {
        return true;
    }
}
