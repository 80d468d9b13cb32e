package io.jsock.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code jar --describe-module} on each API jar this build made: only the API packages are exported, nothing is opened. */
class ModuleJarsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        jsock-socket | io.jsock.socket | exports io.jsock.socket,exports io.jsock.socket.activation,exports io.jsock.socket.diag,exports io.jsock.socket.event,exports io.jsock.socket.packet,exports io.jsock.socket.process
        jsock-server | io.jsock.server | exports io.jsock.server,exports io.jsock.server.event,qualified exports io.jsock.server.proxy to io.jsock.cli
        jsock-lab    | io.jsock.lab    | exports io.jsock.lab,exports io.jsock.lab.draw,exports io.jsock.lab.net,qualified exports io.jsock.lab.text to io.jsock.cli
        """)
    void onlyTheApiPackagesAreExported(String artifact, String module, String exports) throws Exception {
        Optional<Path> jar = Modules.jar(artifact);
        assumeTrue(jar.isPresent(), artifact + " is not packaged in this build (mvn test): run mvn verify");
        Modules.Run r = Modules.run(List.of(Modules.tool("jar"), "--describe-module", "--file", jar.get().toString()));
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().map(String::strip).toList();
        assertThat(lines.getFirst()).matches(java.util.regex.Pattern.quote(module) + "(@\\S+)? .*"); // name@version location
        assertThat(lines.stream().filter(l -> l.startsWith("exports ") || l.startsWith("qualified exports ")).sorted())
                .containsExactly(exports.split(","));
        assertThat(lines).noneMatch(l -> l.startsWith("opens ") || l.startsWith("qualified opens ") || l.startsWith("open "));
    }
}
