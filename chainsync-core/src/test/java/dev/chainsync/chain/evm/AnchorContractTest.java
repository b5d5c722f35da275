package dev.chainsync.chain.evm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The committed anchor contract bytecode is what solc-js makes of the committed source. */
class AnchorContractTest {

    @Test
    void committedBytecodeIsTheCompiledSource() throws Exception {
        Path dir = AnvilNode.findDirectory();
        Assumptions.assumeTrue(dir != null, "testing/evm not found: recompilation check skipped");
        Assumptions.assumeTrue(
                Files.isDirectory(dir.resolve("node_modules/solc")),
                () -> dir.resolve("node_modules/solc") + " is missing (run `npm ci` in testing/evm):"
                        + " recompilation check skipped");
        Process p;
        try {
            p = new ProcessBuilder("node", "compile.js")
                    .directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            Assumptions.abort("Node.js (node) is not on PATH: recompilation check skipped");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("solc-js compiles the source").isZero();
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(out))
                .as("regenerate with: cd testing/evm && node compile.js > "
                        + "../../chainsync-core/src/main/resources/evm/Anchor.json")
                .isEqualTo(AnchorContract.compiled());
        assertThat(AnchorContract.bytecode()).startsWith("0x6080");
    }
}
