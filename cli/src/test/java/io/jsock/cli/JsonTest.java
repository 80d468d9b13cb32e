package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The layout of the commands' JSON (ss --json, lab --json): kept as it was when it was written by hand. */
class JsonTest {

    @Test
    void mapsKeepTheirOrderAndNestedValuesIndentByTwoSpaces() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", "LISTEN");
        m.put("recvQ", 3);
        m.put("ok", true);
        m.put("skipped", null);
        m.put("evidence", List.of("a \"quoted\" line\twith a tab", 1.5));
        m.put("facts", Map.of());
        m.put("unexpected", List.of());
        m.put("inner", Map.of("k", List.of(Map.of("n", 1L))));
        assertThat(Json.of(m)).isEqualTo("""
                {
                  "state": "LISTEN",
                  "recvQ": 3,
                  "ok": true,
                  "skipped": null,
                  "evidence": [
                    "a \\"quoted\\" line\\twith a tab",
                    1.5
                  ],
                  "facts": {},
                  "unexpected": [],
                  "inner": {
                    "k": [
                      {
                        "n": 1
                      }
                    ]
                  }
                }""");
    }

    @Test
    void anEmptyListIsTwoBrackets() {
        assertThat(Json.of(List.of())).isEqualTo("[]");
    }
}
