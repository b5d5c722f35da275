package dev.chainsync.app;

import dev.chainsync.testing.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the command line in-process against a scratch database, as the tests of the commands do. */
final class Cli {
    private Cli() {}

    /** Exit code and what the command printed through picocli's writers. */
    record Run(int exitCode, String out, String err) {}

    /** The environment pointing at {@code db} and {@code dataDir}; {@code extra} pairs (name, value) are added. */
    static Map<String, String> env(TestDatabases.Scratch db, Path dataDir, String... extra) {
        String url = db.jdbcUrl();
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", url + (url.contains("?") ? "&" : "?") + "user=postgres");
        env.put("CHAINSYNC_DATA_DIR", dataDir.toString());
        for (int i = 0; i + 1 < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }
}
