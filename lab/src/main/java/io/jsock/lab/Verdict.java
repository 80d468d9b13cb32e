package io.jsock.lab;

/** How a claim fared on this kernel. */
public enum Verdict {
    /** The kernel did what the text says. */
    HOLDS,
    /** The kernel did something else, and the difference is known and explained (e.g. PF_ROUTE is netlink). */
    DIFFERS,
    /** Not run here, with the reason (e.g. needs root). */
    SKIPPED,
    /** Something happened that neither the text nor a known difference explains. */
    UNEXPECTED;

    /**
     * Whether the outcome is explained: what {@code jsock lab}'s exit code is made of.
     *
     * @return true unless {@link #UNEXPECTED}
     */
    public boolean isExplained() {
        return this != UNEXPECTED;
    }

    /**
     * The word shown in tables.
     *
     * @return holds, differs, skipped or UNEXPECTED
     */
    public String word() {
        return this == UNEXPECTED ? "UNEXPECTED" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
