package io.jsock.socket;

import com.code_intelligence.jazzer.third_party.net.bytebuddy.agent.ByteBuddyAgent;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Lets Jazzer 0.24.0 instrument jsock's classes on JDK 25. Its bundled ASM reads class files up to
 * major version 67 (Java 23) and refuses jsock's 69 ("Unsupported class file major version 69"),
 * which would leave the fuzzer blind: no coverage, so no guidance. When a JUnit session starts with
 * {@code JAZZER_FUZZ} set (the build's fuzz runs), this installs, before Jazzer's agent and so ahead
 * of it in the chain (on loading and on retransformation), a transformer that labels {@code io/jsock/}
 * class files as version 67: javac 25 emits nothing for this code that a version-67 class file cannot
 * hold. The fuzz runs of the other modules get it from this module's test classes (the parent pom).
 */
public final class JazzerClassVersions implements LauncherSessionListener {
    private static final int ASM_MAX = 67;
    private static boolean installed;

    /** Made by JUnit's ServiceLoader. */
    public JazzerClassVersions() {}

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        install();
    }

    private static synchronized void install() {
        if (installed || System.getenv("JAZZER_FUZZ") == null) return;
        installed = true;
        ByteBuddyAgent.install().addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                    byte[] b) {
                if (name == null || !name.startsWith("io/jsock/") || b.length < 8) return null;
                if (((b[6] & 0xff) << 8 | (b[7] & 0xff)) <= ASM_MAX) return null;
                byte[] lowered = b.clone();
                lowered[6] = 0;
                lowered[7] = ASM_MAX;
                return lowered;
            }
        }, true);
    }
}
