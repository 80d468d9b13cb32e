package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a user typed is printed with its unprintable characters escaped, and the error stays one line. */
class PrintableTest {

    @Test
    void controlAndInvisibleCharactersAreEscapedAndTheRestKept() {
        assertThat(Printable.escape("plain 127.0.0.1:9877 [::1] ünï ٣")).isEqualTo("plain 127.0.0.1:9877 [::1] ünï ٣");
        assertThat(Printable.escape("a\nb\tc\rd\u001be\u0000f\u007f")).isEqualTo("a\\nb\\tc\\rd\\ee\\x00f\\x7f");
        assertThat(Printable.escape("x\u0085y\u202ez\u2028")).isEqualTo("x\\u{0085}y\\u{202e}z\\u{2028}");
        assertThat(Printable.escape("lone \ud800 surrogate")).isEqualTo("lone \\u{d800} surrogate");
        assertThat(Printable.escape(null)).isEqualTo("null");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "serve echo --bind 127.0.0.1:0\n",
        "serve echo --model fork\nx",
        "serve echo --grace 1\u001b[2Js",
        "serve ec\nho",
        "serve echo --bind udp:\r\n127.0.0.1:7",
        "serve echo --backlog \u202e3",
        "connect 127.0.0.1:\n80",
    })
    void badInputWithControlCharactersGetsExactlyOneLine(String line) {
        String[] args = line.split(" ");
        ServeCommandTest.Result r = ServeCommandTest.inProcess(args);
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).endsWith(System.lineSeparator()).hasLineCount(1).doesNotContain("\u001b", "\r", "\u202e");
    }
}
