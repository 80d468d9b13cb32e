package io.jsock.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Standard input and output of {@code connect}: a failure says which of the two it was, in the one-line message. */
final class Stdio {
    private Stdio() {}

    /** Reads what standard input has, as {@link InputStream#read(byte[])}: the count, or -1 at its end. */
    static int read(InputStream stdin, byte[] buf) throws IOException {
        try {
            return stdin.read(buf);
        } catch (IOException e) {
            throw new IOException("read standard input: " + e.getMessage(), e);
        }
    }

    /** Writes and flushes {@code n} bytes. */
    static void write(OutputStream stdout, byte[] buf, int n) throws IOException {
        try {
            stdout.write(buf, 0, n);
            stdout.flush();
        } catch (IOException e) {
            throw new IOException("write standard output: " + e.getMessage(), e);
        }
    }
}
