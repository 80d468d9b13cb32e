package io.jsock.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** Runs {@code jsock connect ...} in this JVM with given standard input; collects both outputs and the exit code. */
record CliRun(int exit, byte[] out, String err) {

    String outText() {
        return new String(out, StandardCharsets.UTF_8);
    }

    static CliRun connect(String stdin, String... args) throws Exception {
        return connect(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
    }

    /** The command on the calling thread (so in its network namespace), guarded against a hang. */
    static CliRun connect(InputStream stdin, String... args) throws Exception {
        return connect(stdin, OutputStream.nullOutputStream(), args);
    }

    /** With every byte written to standard output also written to {@code tee} as it comes. */
    static CliRun connect(InputStream stdin, OutputStream tee, String... args) throws Exception {
        return connect(stdin, tee, null, args);
    }

    /** As if the command's process had started at {@code started} (where --timeout counts from). */
    static CliRun connectStartedAt(Instant started, String... args) throws Exception {
        return connect(InputStream.nullInputStream(), OutputStream.nullOutputStream(), started, args);
    }

    private static CliRun connect(InputStream stdin, OutputStream tee, Instant started, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        ConnectCommand command = new ConnectCommand(stdin, new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                tee.write(b, off, len);
            }
        });
        if (started != null) command.started = started;
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler(new Errors());
        cl.setExitCodeExceptionMapper(Errors::exitCode);
        cl.setParameterExceptionHandler(Errors::badUsage); // as JsockCommand.commandLine(): one line, exit 2
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toByteArray(), err.toString());
    }

    /** {@link #connect(InputStream, String...)} on another thread, failing the test (not hanging) after 60 s. */
    static CliRun connectWithin60s(InputStream stdin, String... args) throws Exception {
        return connectWithin60s(stdin, OutputStream.nullOutputStream(), args);
    }

    static CliRun connectWithin60s(InputStream stdin, OutputStream tee, String... args) throws Exception {
        CompletableFuture<CliRun> f = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon(true).name("test-cli").start(() -> {
            try {
                f.complete(connect(stdin, tee, args));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(60, TimeUnit.SECONDS); // a hang guard, not a measurement
        } finally {
            t.interrupt();
        }
    }
}
