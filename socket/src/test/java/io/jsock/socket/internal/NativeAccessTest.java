package io.jsock.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.nativeaccess.OpenOneSocket;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A program that uses jsock without --enable-native-access gets one line naming the flag, not the JVM's warnings. */
class NativeAccessTest {
    private static final String NEEDS = "java.lang.IllegalCallerException: jsock calls libc through the FFM API and "
            + "needs native access: run java with ";

    @Test
    void onTheClassPathTheLineNamesAllUnnamedAndTheManifestAttribute() throws Exception {
        String stderr = runWithoutNativeAccess("-cp", location(Libc.class) + File.pathSeparator + location(OpenOneSocket.class));
        assertThat(stderr).contains(NEEDS + "--enable-native-access=ALL-UNNAMED "
                + "(or Enable-Native-Access: ALL-UNNAMED in the manifest of the jar that is run)");
        assertThat(stderr).as("none of the JVM's own warnings").doesNotContain("WARNING: A restricted method")
                .doesNotContain("WARNING:");
    }

    @Test
    void onTheModulePathTheLineNamesTheModule() throws Exception {
        String stderr = runWithoutNativeAccess("-p", location(Libc.class), "--add-modules", "io.jsock.socket",
                "-cp", location(OpenOneSocket.class));
        assertThat(stderr).contains(NEEDS + "--enable-native-access=io.jsock.socket");
        assertThat(stderr).doesNotContain("ALL-UNNAMED").doesNotContain("WARNING:");
    }

    /** Runs {@link OpenOneSocket} in a child JVM with {@code paths} and no native access; its standard error. */
    private static String runWithoutNativeAccess(String... paths) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(paths));
        command.add(OpenOneSocket.class.getName());
        Process p = new ProcessBuilder(command).start();
        try {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            String stderr = read(p.getErrorStream());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the child ends").isTrue();
            assertThat(p.exitValue()).as(stderr).isNotZero();
            assertThat(out.get()).as("it never opened a socket").doesNotContain("opened");
            return stderr;
        } finally {
            p.destroyForcibly();
        }
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
