package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reading CPU time, memory and descriptors of a process tree from /proc, as the bench measures servers. */
class ProcessTreeTest {
    private final ProcessTree proc = new ProcessTree();

    @Test
    void parsesAStatLineWhoseCommandNameHoldsSpacesAndParentheses() {
        String line = "4242 (my (odd) cmd) S 17 4242 4242 0 -1 4194560 100 0 0 0 "
                + "311 27 5 3 20 0 4 0 12345 1000000 678 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        ProcessTree.Stat s = ProcessTree.parseStat(line);
        assertThat(s.pid()).isEqualTo(4242);
        assertThat(s.ppid()).isEqualTo(17);
        assertThat(s.utime()).isEqualTo(311);
        assertThat(s.stime()).isEqualTo(27);
        assertThat(s.cutime()).isEqualTo(5);
        assertThat(s.cstime()).isEqualTo(3);
        assertThat(s.rssPages()).isEqualTo(678);
        assertThat(s.ticks()).isEqualTo(346);
        assertThatThrownBy(() -> ProcessTree.parseStat("garbage")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSplitCountsTheRootsOwnTimeAsTheParentsAndReapedAndLiveDescendantsAsTheChildrens() {
        ProcessTree.Stat root = new ProcessTree.Stat(100, 1, 40, 30, 500, 200, 0);   // 70 own, 700 reaped
        ProcessTree.Stat child = new ProcessTree.Stat(101, 100, 5, 6, 1, 2, 0);      // live: 14 with its own reaped
        ProcessTree.Stat grandchild = new ProcessTree.Stat(102, 101, 3, 4, 0, 0, 0); // live: 7
        ProcessTree.Cpu cpu = ProcessTree.split(java.util.List.of(root, child, grandchild));
        assertThat(cpu.parentNanos()).isEqualTo(70 * 10_000_000L);
        assertThat(cpu.childrenNanos()).isEqualTo((700 + 14 + 7) * 10_000_000L);
        assertThat(cpu.totalNanos()).isEqualTo((root.ticks() + child.ticks() + grandchild.ticks()) * 10_000_000L);
        assertThat(ProcessTree.split(java.util.List.of())).isEqualTo(new ProcessTree.Cpu(0, 0));
    }

    @Test
    void aReapedChildsCpuGoesToTheChildrenNotToTheParent() throws Exception {
        long self = ProcessHandle.current().pid();
        long reapedBefore = reapedTicks(self);
        ProcessTree.Cpu before = proc.cpu(self);
        Process p = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done").start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long reaped = (reapedTicks(self) - reapedBefore) * 10_000_000L;
        ProcessTree.Cpu after = proc.cpu(self);
        assertThat(reaped).isGreaterThan(0);
        assertThat(after.childrenNanos() - before.childrenNanos()).isGreaterThanOrEqualTo(reaped);
    }

    @Test
    void theTreeHoldsALiveChildWithItsMemoryAndDescriptors() throws Exception {
        long self = ProcessHandle.current().pid();
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(proc.tree(self)).extracting(s -> (long) s.pid()).contains(self, child.pid());
            ProcessTree.Usage u = proc.usage(self);
            assertThat(u.processes()).isGreaterThanOrEqualTo(2);
            assertThat(u.rssBytes()).isGreaterThan(1 << 20);
            assertThat(u.descriptors()).isGreaterThan(3);
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(proc.tree(Integer.MAX_VALUE - 7)).isEmpty();
    }

    @Test
    void cpuOfAChildThatEndedIsCountedOnceItIsReaped() throws Exception {
        long self = ProcessHandle.current().pid();
        long reapedBefore = reapedTicks(self);
        long treeBefore = proc.cpuNanos(self);
        // A child that burns CPU in user space (a bounded shell loop), then exits and is reaped by the JDK.
        Process p = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done").start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(reapedTicks(self)).isGreaterThan(reapedBefore);
        assertThat(proc.cpuNanos(self)).isGreaterThanOrEqualTo(treeBefore + (reapedTicks(self) - reapedBefore) * 10_000_000L);
    }

    private long reapedTicks(long pid) throws Exception {
        ProcessTree.Stat s = proc.tree(pid).get(0);
        return s.cutime() + s.cstime();
    }
}
