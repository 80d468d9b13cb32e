package io.jsock.socket;

import java.util.List;

/**
 * A classic BPF program (filter(2) of the kernel's networking docs, {@code struct sock_fprog}): what
 * {@link Socket#attachFilter} gives the kernel with {@code SO_ATTACH_FILTER}, so that it drops every
 * packet the program does not accept before it reaches the socket. The program runs over each packet
 * (for a {@link Family#PACKET} socket of type DGRAM: from the network header on) and returns how many
 * bytes to keep, 0 to drop it.
 *
 * @param instructions the instructions, at most {@link #MAX_INSTRUCTIONS}, ending in a return
 */
public record BpfProgram(List<Instruction> instructions) {
    /** BPF_MAXINSNS: the kernel's limit on a classic program's length. */
    public static final int MAX_INSTRUCTIONS = 4096;

    /**
     * Copies and checks the list.
     *
     * @throws IllegalArgumentException if it is empty or longer than {@link #MAX_INSTRUCTIONS}
     */
    public BpfProgram {
        instructions = List.copyOf(instructions);
        if (instructions.isEmpty() || instructions.size() > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("a BPF program has 1 to " + MAX_INSTRUCTIONS + " instructions, not " + instructions.size());
        }
    }

    /**
     * One instruction ({@code struct sock_filter}): an opcode, the two jump offsets of a conditional
     * jump (counted from the next instruction), and a constant.
     *
     * @param code the opcode, e.g. {@code BPF_LD|BPF_H|BPF_ABS} (0x28); 16 bits
     * @param jt where a true condition jumps, 0 to 255 instructions ahead
     * @param jf where a false condition jumps, 0 to 255 instructions ahead
     * @param k the constant: an offset, a value to compare, a return value
     */
    public record Instruction(int code, int jt, int jf, int k) {
        /**
         * Checks the ranges.
         *
         * @throws IllegalArgumentException if {@code code} is not 16 bits or a jump is not 0 to 255
         */
        public Instruction {
            if (code < 0 || code > 0xFFFF) throw new IllegalArgumentException("a BPF opcode is 16 bits: " + code);
            if (jt < 0 || jt > 255 || jf < 0 || jf > 255) {
                throw new IllegalArgumentException("a BPF jump is 0 to 255 instructions: jt " + jt + " jf " + jf);
            }
        }

        /** {@return the instruction as {@code tcpdump -dd} prints it: {@code { 0x28, 0, 0, 0x0000000c }}} */
        @Override
        public String toString() {
            return String.format("{ 0x%x, %d, %d, 0x%08x }", code, jt, jf, k);
        }
    }
}
