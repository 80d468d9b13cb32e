package io.jsock.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jsock.server.Model;

/** Fuzzes model text ({@code Model.parse}): see {@link FuzzText}. */
class ModelFuzzTest {
    @FuzzTest
    void model(byte[] input) {
        FuzzText.acceptedOnesParseBack(input, Model::parse);
    }
}
