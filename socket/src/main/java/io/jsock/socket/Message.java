package io.jsock.socket;

import java.util.List;

/**
 * What {@link Socket#recvmsg} received: the data's length, the descriptors that came with it
 * (SCM_RIGHTS) and the sender's credentials (SCM_CREDENTIALS).
 *
 * @param length how many bytes of data; -1 at end of stream
 * @param rights the descriptors received, in the order sent, each the caller's to close or adopt;
 *     empty when none came
 * @param credentials the sender's pid, uid and gid, or {@code null} when the receiving socket does
 *     not have {@link SockOpt#SO_PASSCRED} on
 * @param truncated whether a datagram or seqpacket record was longer than the room given (MSG_TRUNC):
 *     the rest of it is lost
 */
public record Message(int length, List<PassedDescriptor> rights, PeerCred credentials, boolean truncated) {
    /**
     * A message as received.
     *
     * @param length how many bytes
     * @param rights the descriptors, copied
     * @param credentials the credentials or null
     * @param truncated MSG_TRUNC
     */
    public Message {
        rights = List.copyOf(rights);
    }
}
