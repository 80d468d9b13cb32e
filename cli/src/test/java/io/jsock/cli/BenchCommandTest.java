package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@code jsock bench} finds the bench jar, and the one line it says when there is none (it never builds it). */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void findsTheJarOfTheCheckoutHoldingTheCliJar() throws IOException {
        Path cliJar = Files.createDirectories(dir.resolve("cli/target")).resolve("jsock.jar");
        Files.createDirectories(dir.resolve("bench/target"));
        Files.writeString(dir.resolve("bench/pom.xml"), "");
        Path benchJar = Files.writeString(dir.resolve("bench/target/jsock-bench.jar"), "");
        assertThat(BenchCommand.locate(cliJar)).isEqualTo(benchJar);
    }

    @Test
    void findsTheJarBesideTheCliJar() throws IOException {
        Path benchJar = Files.writeString(dir.resolve("jsock-bench.jar"), "");
        assertThat(BenchCommand.locate(dir.resolve("jsock.jar"))).isEqualTo(benchJar);
    }

    @Test
    void aMissingJarIsOneLineSayingHowToBuildIt() throws IOException {
        Path cliJar = Files.createDirectories(dir.resolve("cli/target")).resolve("jsock.jar");
        Files.writeString(Files.createDirectories(dir.resolve("bench")).resolve("pom.xml"), "");
        assertThatThrownBy(() -> BenchCommand.locate(cliJar)).isInstanceOf(IOException.class)
                .hasMessage("bench needs " + dir.resolve("bench/target/jsock-bench.jar")
                        + ", which is not built; build it with: mvn -pl bench -am package");
    }

    @Test
    void outsideACheckoutItSaysWhereTheJarShouldBe() {
        assertThatThrownBy(() -> BenchCommand.locate(dir.resolve("jsock.jar"))).isInstanceOf(IOException.class)
                .hasMessageContaining("jsock-bench.jar beside jsock.jar").hasMessageEndingWith("mvn -pl bench -am package")
                .message().doesNotContain("\n");
    }
}
