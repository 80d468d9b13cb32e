package io.jsock.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jsock.socket.SockAddr;

/** Fuzzes address text ({@code SockAddr.parse}): see {@link FuzzText}. */
class AddressFuzzTest {
    @FuzzTest
    void address(byte[] input) {
        FuzzText.acceptedOnesParseBack(input, SockAddr::parse);
    }
}
