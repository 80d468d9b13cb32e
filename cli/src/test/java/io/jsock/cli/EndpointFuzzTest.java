package io.jsock.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jsock.server.Endpoint;

/** Fuzzes {@code --bind} endpoints ({@code Endpoint.parse}): see {@link FuzzText}. */
class EndpointFuzzTest {
    @FuzzTest
    void endpoint(byte[] input) {
        FuzzText.acceptedOnesParseBack(input, Endpoint::parse);
    }
}
