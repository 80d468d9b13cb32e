package io.jsock.cli;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine;

/**
 * {@code --socket-mode}: file permissions in octal as chmod(1) and systemd's {@code SocketMode=}
 * write them ({@code 660}, {@code 0660}, {@code 0777}); no setuid, setgid or sticky bits.
 */
final class SocketModes implements CommandLine.ITypeConverter<Set<PosixFilePermission>> {
    /** The order of the nine bits, from 0400 down to 0001. */
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE,
    };

    @Override
    public Set<PosixFilePermission> convert(String text) {
        if (!text.matches("0?[0-7]{3}")) {
            throw new Errors.BadValue("expected octal permissions such as 660 or 0600 (owner, group, others)");
        }
        int mode = Integer.parseInt(text, 8);
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((mode & (0400 >> i)) != 0) set.add(BITS[i]);
        }
        return set;
    }
}
