package io.jsock.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every libc function Libc binds on first use exists and links (what eager binding checked at start). */
class LibcBindingTest {

    @Test
    void everyFunctionHandleLinks() throws Exception {
        List<Class<?>> holders = Arrays.stream(Libc.class.getDeclaredClasses())
                .filter(k -> k.getSimpleName().endsWith("$")).toList();
        assertThat(holders).hasSizeGreaterThan(40);
        for (Class<?> h : holders) {
            var f = h.getDeclaredField("mh");
            f.setAccessible(true);
            assertThat((MethodHandle) f.get(null)).as(h.getSimpleName()).isNotNull();
        }
    }
}
