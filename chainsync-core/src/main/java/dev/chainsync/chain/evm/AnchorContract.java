package dev.chainsync.chain.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The anchor contract as compiled by solc-js from {@code testing/evm/contracts/Anchor.sol} and
 * committed as {@code evm/Anchor.json} (a test recompiles and compares).
 */
public final class AnchorContract {
    /** The compiled contract's resource. */
    public static final String RESOURCE = "/evm/Anchor.json";

    private AnchorContract() {}

    /** The committed compiler output: compiler version, ABI and creation bytecode. */
    public static JsonNode compiled() {
        try (InputStream in = AnchorContract.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The creation bytecode, 0x-prefixed hex. */
    public static String bytecode() {
        return compiled().path("bytecode").asText();
    }
}
