package dev.chainsync.archfixture.cycle.b;

import dev.chainsync.archfixture.cycle.a.Left;

/** The other half of the deliberate package cycle. */
public final class Right {
    public Left left() {
        return new Left();
    }
}
