package dev.chainsync.app;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU spent between two points of a benchmark: by this JVM, and (on Linux) by the whole machine,
 * so a figure says whether the run was bound by the machine's cores and how they were shared
 * between the service and its database.
 */
record CpuUse(long processNanos, long machineBusyTicks, long machineTicks) {
    private static final Path PROC_STAT = Path.of("/proc/stat");

    static CpuUse now() {
        long process = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
        long busy = -1;
        long total = -1;
        try {
            List<String> lines = Files.readAllLines(PROC_STAT);
            // "cpu  user nice system idle iowait irq softirq steal ..." in clock ticks
            String[] f = lines.getFirst().trim().split("\\s+");
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            busy = total - idle;
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not readable: the machine figures are left out.
        }
        return new CpuUse(process, busy, total);
    }

    /** "JVM x.x s, machine y.y of z.z core-seconds busy" between {@code this} and {@code later}. */
    String describeUntil(CpuUse later, double wallSeconds) {
        StringBuilder s = new StringBuilder();
        if (processNanos >= 0 && later.processNanos >= 0) {
            s.append(String.format("this JVM %.1f CPU-s", (later.processNanos - processNanos) / 1e9));
        }
        if (machineTicks >= 0 && later.machineTicks >= 0 && later.machineTicks > machineTicks) {
            double busyShare =
                    (double) (later.machineBusyTicks - machineBusyTicks) / (later.machineTicks - machineTicks);
            int cores = Runtime.getRuntime().availableProcessors();
            if (!s.isEmpty()) {
                s.append(", ");
            }
            s.append(String.format(
                    "machine %.1f of %.1f core-s busy (%.0f%%)",
                    busyShare * cores * wallSeconds, cores * wallSeconds, busyShare * 100));
        }
        return s.toString();
    }
}
