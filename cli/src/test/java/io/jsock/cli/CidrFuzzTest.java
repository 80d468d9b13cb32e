package io.jsock.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jsock.server.Cidr;

/** Fuzzes the address blocks of {@code --allow} and {@code --deny} ({@code Cidr.parse}): see {@link FuzzText}. */
class CidrFuzzTest {
    @FuzzTest
    void cidr(byte[] input) {
        FuzzText.acceptedOnesParseBack(input, Cidr::parse);
    }
}
