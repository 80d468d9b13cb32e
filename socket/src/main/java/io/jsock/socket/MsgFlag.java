package io.jsock.socket;

import io.jsock.socket.internal.Constants;

/** Flags for {@link Socket#recv} and {@link Socket#send} (MSG_NOSIGNAL is always added to sends). */
public enum MsgFlag {
    /** MSG_PEEK: look at queued data without taking it. */
    PEEK(Constants.MSG_PEEK),
    /** MSG_DONTWAIT: this call only, do not wait; EAGAIN when it would. */
    DONTWAIT(Constants.MSG_DONTWAIT),
    /** MSG_WAITALL: the kernel waits for the full amount (still cut short by a signal, error or EOF). */
    WAITALL(Constants.MSG_WAITALL);

    final int bit;

    MsgFlag(int bit) {
        this.bit = bit;
    }

    static int bits(MsgFlag... flags) {
        int b = 0;
        for (MsgFlag f : flags) b |= f.bit;
        return b;
    }
}
