package dev.chainsync.chain;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the launchers of local chain nodes for tests, demo and benchmark (the Solana runtime server,
 * anvil) share: finding their directory in the repository, and stopping their process.
 */
public final class LocalTools {
    private LocalTools() {}

    /** {@code relative} (holding {@code marker}) found from the working directory upwards, or null. */
    public static Path findAbove(String relative, String marker) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve(relative);
            if (Files.isRegularFile(candidate.resolve(marker))) {
                return candidate;
            }
        }
        return null;
    }

    /** Asks {@code process} to stop, and kills it if it has not within five seconds. */
    public static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
