package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.util.ArrayList;
import java.util.List;

/**
 * jsock's C struct layouts and constants held against what gcc says on this machine: each check is a
 * C expression ({@code sizeof(struct msghdr)}, {@code offsetof(struct msghdr, msg_iov)}, {@code CMSG_LEN(4)},
 * {@code AF_PACKET}) and jsock's value for it; one C program prints every expression, and one assertion
 * compares them all, naming each expression whose value differs. A test that lays out structs writes
 * <pre>
 * GccLayout.of("#include &lt;sys/uio.h&gt;").struct("iovec", Iovec.LAYOUT, "iov_base", "iov_len").matchesGcc();
 * </pre>
 * Skipped (as {@link Gcc#run} is) where gcc is not installed.
 */
public final class GccLayout {
    private final List<String> preamble;
    private final List<String> expressions = new ArrayList<>();
    private final List<Long> ours = new ArrayList<>();

    private GccLayout(List<String> preamble) {
        this.preamble = preamble;
    }

    /**
     * Starts the checks of a C program with these lines before its own includes.
     *
     * @param preamble lines such as {@code "#define _GNU_SOURCE"} and {@code "#include <linux/tcp.h>"}
     * @return the checks, none yet
     */
    public static GccLayout of(String... preamble) {
        return new GccLayout(List.of(preamble));
    }

    /**
     * Checks {@code sizeof(struct c)} and, for each member, {@code offsetof(struct c, member)} against
     * {@code layout} (each member is a group element of the same name there).
     *
     * @param c the struct's C name, without {@code struct}
     * @param layout jsock's layout of it
     * @param members the members to check
     * @return these checks
     */
    public GccLayout struct(String c, MemoryLayout layout, String... members) {
        size(c, layout.byteSize());
        for (String m : members) offset(c, m, layout.byteOffset(PathElement.groupElement(m)));
        return this;
    }

    /**
     * Checks {@code sizeof(struct c)}.
     *
     * @param c the struct's C name, without {@code struct}
     * @param ours jsock's size of it
     * @return these checks
     */
    public GccLayout size(String c, long ours) {
        return value("sizeof(struct " + c + ")", ours);
    }

    /**
     * Checks {@code offsetof(struct c, member)}.
     *
     * @param c the struct's C name, without {@code struct}
     * @param member the C member
     * @param ours jsock's offset of it
     * @return these checks
     */
    public GccLayout offset(String c, String member, long ours) {
        return value("offsetof(struct " + c + ", " + member + ")", ours);
    }

    /**
     * Checks any C expression with an integer value: a constant, a macro, an offset worked out.
     *
     * @param expression the C expression, e.g. {@code "CMSG_SPACE(12)"}
     * @param ours jsock's value for it
     * @return these checks
     */
    public GccLayout value(String expression, long ours) {
        expressions.add(expression);
        this.ours.add(ours);
        return this;
    }

    /**
     * Compiles and runs the program printing every expression, and asserts that each is jsock's value.
     *
     * @throws Exception if gcc or the program cannot be run
     */
    public void matchesGcc() throws Exception {
        assertThat(expressions).as("expressions to check").isNotEmpty();
        StringBuilder program = new StringBuilder();
        for (String line : preamble) program.append(line).append('\n');
        program.append("#include <stddef.h>\n#include <stdio.h>\nint main(void) {\n");
        for (String e : expressions) program.append("    printf(\"%lld\\n\", (long long) (").append(e).append("));\n");
        program.append("    return 0;\n}\n");
        String[] printed = Gcc.run(program.toString()).trim().split("\n");
        assertThat(printed).as("the program's lines").hasSameSizeAs(expressions);
        List<String> gcc = new ArrayList<>(), jsock = new ArrayList<>();
        for (int i = 0; i < printed.length; i++) {
            gcc.add(expressions.get(i) + " = " + printed[i].trim());
            jsock.add(expressions.get(i) + " = " + ours.get(i));
        }
        assertThat(jsock).as("jsock's values against gcc's on this machine").containsExactlyElementsOf(gcc);
    }
}
