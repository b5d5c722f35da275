package dev.chainsync.deployment;

import java.util.List;

/** This instance's settings disagree with what the instances on its database share; it must not start. */
public final class IdentityMismatchException extends RuntimeException {
    private final List<String> problems;

    IdentityMismatchException(List<String> problems) {
        super("this instance's settings disagree with the instances already using its database:\n  - "
                + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One sentence per disagreeing setting: which one, what the database holds, how to fix it. */
    public List<String> problems() {
        return problems;
    }
}
