package io.jsock.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/** The {@link InputStream} and {@link OutputStream} views of a {@link Socket}. */
final class SocketStreams {
    private SocketStreams() {}

    static final class In extends InputStream {
        private final Socket socket;
        private boolean eof;

        In(Socket socket) {
            this.socket = socket;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) return 0;
            if (eof) return -1;
            int n = socket.read(b, off, len);
            if (n < 0) eof = true;
            return n;
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    static final class Out extends OutputStream {
        private final Socket socket;

        Out(Socket socket) {
            this.socket = socket;
        }

        @Override
        public void write(int b) throws IOException {
            socket.writeFully(new byte[] {(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            socket.writeFully(b, off, len);
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
