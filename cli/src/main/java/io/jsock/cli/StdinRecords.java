package io.jsock.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Standard input cut into records for the sockets that keep message boundaries (UDP, Unix seqpacket):
 * one line each, its newline kept; a line longer than {@value #MAX} bytes goes in pieces of that size.
 * Not thread-safe: one thread reads.
 */
final class StdinRecords {
    /** The largest record: what fits one UDP datagram over IPv4 and then some headroom below it. */
    static final int MAX = 65_000;

    private final InputStream in;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int end;

    StdinRecords(InputStream in) {
        this.in = in;
    }

    /** {@return the next record, or null at the end of standard input (a last line without a newline is a record too)} */
    byte[] next() throws IOException {
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        while (record.size() < MAX) {
            if (pos == end) {
                end = Stdio.read(in, buf);
                pos = 0;
                if (end < 0) {
                    end = 0;
                    return record.size() == 0 ? null : record.toByteArray();
                }
            }
            int take = Math.min(end - pos, MAX - record.size());
            int nl = -1;
            for (int i = pos; i < pos + take; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int upTo = nl < 0 ? pos + take : nl + 1;
            record.write(buf, pos, upTo - pos);
            pos = upTo;
            if (nl >= 0) break;
        }
        return record.toByteArray();
    }
}
