package io.jsock.socket;

import static io.jsock.socket.internal.Constants.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.jsock.socket.internal.Fd;
import io.jsock.socket.internal.IoStatus;
import io.jsock.socket.internal.Libc;
import io.jsock.socket.internal.Msghdrs.Cmsghdr;
import io.jsock.socket.internal.Msghdrs.Iovec;
import io.jsock.socket.internal.Msghdrs.Msghdr;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * sendmsg(2) and recvmsg(2) with ancillary data on Unix sockets (unix(7), cmsg(3)): SCM_RIGHTS and
 * SCM_CREDENTIALS. The msghdr holds native pointers, so each call lays its structs, its data and its
 * control buffer out in a confined arena of its own.
 */
final class AncillaryMessages {
    private AncillaryMessages() {}

    /** Builds the message and sends it, waiting while the send buffer is full. */
    static int send(Socket socket, Fd fd, ByteBuffer src, List<Socket> rights, PeerCred credentials) throws IOException {
        if (!rights.isEmpty() && !src.hasRemaining()) {
            throw new IllegalArgumentException("descriptors travel with data: send at least one byte with them");
        }
        List<Socket> held = new ArrayList<>(rights.size());
        fd.acquire("sendmsg");
        try (Arena arena = Arena.ofConfined()) {
            // Each passed socket stays open (its number ours) until the kernel has taken its reference.
            for (Socket r : rights) {
                r.descriptor().acquire("sendmsg");
                held.add(r);
            }
            long rightsSpace = rights.isEmpty() ? 0 : Cmsghdr.space(4L * rights.size());
            long credSpace = credentials == null ? 0 : Cmsghdr.space(PeerCred.SIZE);
            MemorySegment control = rightsSpace + credSpace == 0 ? MemorySegment.NULL
                    : arena.allocate(rightsSpace + credSpace, 8);
            if (rightsSpace > 0) {
                MemorySegment c = control.asSlice(0, rightsSpace);
                Cmsghdr.cmsg_len(c, Cmsghdr.len(4L * rights.size()));
                Cmsghdr.cmsg_level(c, SOL_SOCKET);
                Cmsghdr.cmsg_type(c, SCM_RIGHTS);
                for (int i = 0; i < rights.size(); i++) c.set(JAVA_INT, Cmsghdr.DATA_OFFSET + 4L * i, rights.get(i).fd());
            }
            if (credSpace > 0) {
                MemorySegment c = control.asSlice(rightsSpace, credSpace);
                Cmsghdr.cmsg_len(c, Cmsghdr.len(PeerCred.SIZE));
                Cmsghdr.cmsg_level(c, SOL_SOCKET);
                Cmsghdr.cmsg_type(c, SCM_CREDENTIALS);
                PeerCred.CODEC.encode(credentials, c.asSlice(Cmsghdr.DATA_OFFSET, PeerCred.SIZE));
            }
            int pos = src.position();
            MemorySegment data = arena.allocate(Math.max(1, src.remaining()));
            MemorySegment.copy(MemorySegment.ofBuffer(src), 0, data, 0, src.remaining());
            MemorySegment msg = message(arena, data, src.remaining(), control, rightsSpace + credSpace);
            while (true) {
                int n = IoStatus.result(Libc.sendmsg(fd.fd, msg, MSG_NOSIGNAL | MSG_DONTWAIT), "sendmsg", socket, Socket::peerForMessage);
                if (n >= 0) {
                    src.position(pos + n);
                    return n;
                }
                if (n == IoStatus.UNAVAILABLE) fd.await(POLLOUT, 0, "sendmsg"); // else INTERRUPTED: call again
            }
        } finally {
            for (Socket r : held) r.descriptor().release();
            fd.release();
        }
    }

    /** Receives one message, waiting up to the socket's timeout; see {@link Socket#recvmsg}. */
    static Message receive(Socket socket, Fd fd, ByteBuffer dst, int maxRights) throws IOException {
        if (dst.isReadOnly()) throw new IllegalArgumentException("cannot read into a read-only buffer");
        if (maxRights < 0 || maxRights > SCM_MAX_FD) {
            throw new IllegalArgumentException("maxRights " + maxRights + ": 0 to " + SCM_MAX_FD + " (SCM_MAX_FD)");
        }
        fd.acquire("recvmsg");
        try (Arena arena = Arena.ofConfined()) {
            long rightsSpace = maxRights == 0 ? 0 : Cmsghdr.space(4L * maxRights);
            // Room for the credentials only when they will come: the kernel would fill spare room with
            // descriptors beyond maxRights instead of reporting MSG_CTRUNC.
            boolean passcred = socket.getOption(SockOpt.SO_PASSCRED);
            long controlSize = rightsSpace + (passcred ? Cmsghdr.space(PeerCred.SIZE) : 0);
            MemorySegment control = controlSize == 0 ? MemorySegment.NULL : arena.allocate(controlSize, 8);
            int room = dst.remaining();
            MemorySegment data = arena.allocate(Math.max(1, room));
            MemorySegment msg = message(arena, data, room, control, controlSize);
            long deadline = socket.deadline();
            int n;
            while (true) {
                int seen = fd.readEvents();
                n = IoStatus.result(Libc.recvmsg(fd.fd, msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT), "recvmsg", socket, Socket::peerForMessage);
                if (n >= 0) break;
                if (n == IoStatus.INTERRUPTED) continue;
                if (Socket.timedOut(deadline)) throw Socket.timeout("recvmsg", socket.peerForMessage());
                fd.await(POLLIN, deadline, "recvmsg", seen);
            }
            List<PassedDescriptor> rights = new ArrayList<>();
            PeerCred credentials = readControl(control, Msghdr.msg_controllen(msg), rights);
            int flags = Msghdr.msg_flags(msg);
            if ((flags & MSG_CTRUNC) != 0) {
                for (PassedDescriptor d : rights) d.close(); // nothing leaked: the caller never sees them
                throw new IOException("recvmsg " + socket.peerForMessage() + ": MSG_CTRUNC (control data truncated): more than "
                        + maxRights + " descriptor(s) came; the " + rights.size() + " that arrived are closed");
            }
            MemorySegment.copy(data, 0, MemorySegment.ofBuffer(dst), 0, Math.min(n, room));
            dst.position(dst.position() + Math.min(n, room));
            // 0 bytes and nothing else on a stream: the peer's FIN.
            boolean eof = n == 0 && rights.isEmpty() && socket.type() == SocketType.STREAM && room > 0;
            return new Message(eof ? -1 : n, rights, credentials, (flags & MSG_TRUNC) != 0);
        } finally {
            fd.release();
        }
    }

    /** A msghdr with one iovec over {@code data} and the control buffer; no address (the socket is connected). */
    private static MemorySegment message(Arena arena, MemorySegment data, long length, MemorySegment control, long controlLength) {
        MemorySegment iov = arena.allocate(Iovec.LAYOUT);
        Iovec.iov_base(iov, data);
        Iovec.iov_len(iov, length);
        MemorySegment msg = arena.allocate(Msghdr.LAYOUT);
        Msghdr.msg_name(msg, MemorySegment.NULL);
        Msghdr.msg_namelen(msg, 0);
        Msghdr.msg_iov(msg, iov);
        Msghdr.msg_iovlen(msg, 1);
        Msghdr.msg_control(msg, control);
        Msghdr.msg_controllen(msg, controlLength);
        Msghdr.msg_flags(msg, 0);
        return msg;
    }

    /**
     * Walks the control messages the kernel wrote (CMSG_FIRSTHDR, CMSG_NXTHDR): every descriptor goes
     * into {@code rights}, even from a message cut short; returns the credentials, or null.
     */
    static PeerCred readControl(MemorySegment control, long length, List<PassedDescriptor> rights) {
        PeerCred credentials = null;
        long off = 0;
        while (off + Cmsghdr.DATA_OFFSET <= length) {
            MemorySegment c = control.asSlice(off);
            long len = Cmsghdr.cmsg_len(c);
            if (len < Cmsghdr.DATA_OFFSET || off + len > length) break; // a malformed header: nothing more to trust
            long dataLen = len - Cmsghdr.DATA_OFFSET;
            if (Cmsghdr.cmsg_level(c) == SOL_SOCKET && Cmsghdr.cmsg_type(c) == SCM_RIGHTS) {
                for (long i = 0; i + 4 <= dataLen; i += 4) rights.add(new PassedDescriptor(c.get(JAVA_INT, Cmsghdr.DATA_OFFSET + i)));
            } else if (Cmsghdr.cmsg_level(c) == SOL_SOCKET && Cmsghdr.cmsg_type(c) == SCM_CREDENTIALS && dataLen >= PeerCred.SIZE) {
                credentials = PeerCred.CODEC.decode(c.asSlice(Cmsghdr.DATA_OFFSET, PeerCred.SIZE), PeerCred.SIZE);
            }
            off += Cmsghdr.align(len);
        }
        return credentials;
    }
}
