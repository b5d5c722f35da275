package dev.chainsync.archfixture.cycle.a;

import dev.chainsync.archfixture.cycle.b.Right;

/** Half of a deliberate package cycle, so PackageCyclesTest can show its rule catches one. */
public final class Left {
    public Right right() {
        return new Right();
    }
}
