package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/install.sh into a temporary prefix: the installed jsock runs (also through a symlink), man pages, completion, uninstall. */
class InstallTest {
    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void installsUnderAPrefixRunsThroughASymlinkAndUninstallsEverything(@TempDir Path tmp) throws Exception {
        Path prefix = tmp.resolve("prefix");
        String installed = run(List.of(CHECKOUT.resolve("jsock").toString(), "install", "--prefix", prefix.toString()));
        assertThat(installed).contains("jsock: installed in " + prefix);

        Path link = Files.createDirectories(tmp.resolve("home/bin")).resolve("jsock");
        Files.createSymbolicLink(link, prefix.resolve("bin/jsock"));
        assertThat(run(List.of(link.toString(), "--version"))).startsWith("jsock ");
        assertThat(run(List.of(link.toString(), "serve", "--help"))).contains("-b, --bind=ENDPOINT");

        Path man = prefix.resolve("share/man/man1");
        for (String page : List.of("jsock.1", "jsock-serve.1", "jsock-connect.1", "jsock-ss.1", "jsock-lab.1", "jsock-bench.1")) {
            assertThat(man.resolve(page)).exists();
        }
        assertThat(Files.readString(man.resolve("jsock-serve.1"))).startsWith(".TH \"JSOCK-SERVE\" 1").contains(".SH OPTIONS");
        Path bash = prefix.resolve("share/bash-completion/completions/jsock");
        assertThat(run(List.of("bash", "-c", "source " + bash + " && complete -p jsock"))).contains("jsock");
        assertThat(Files.readString(prefix.resolve("share/zsh/site-functions/_jsock"))).startsWith("#compdef jsock");

        assertThat(run(List.of(CHECKOUT.resolve("scripts/install.sh").toString(), "--uninstall", "--prefix", prefix.toString())))
                .contains("uninstalled");
        try (Stream<Path> left = Files.walk(prefix)) {
            assertThat(left.filter(Files::isRegularFile).toList()).as("files left under the prefix").isEmpty();
        }
    }

    /** Runs a command, bounded; its standard output and error, after checking it exited 0. */
    private static String run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(argv + " ends").isTrue();
            String text = out.get(1, TimeUnit.MINUTES);
            assertThat(p.exitValue()).as(argv + ": " + text).isZero();
            return text;
        } finally {
            p.destroyForcibly();
        }
    }
}
