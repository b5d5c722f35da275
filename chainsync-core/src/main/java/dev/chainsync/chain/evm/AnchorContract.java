package dev.chainsync.chain.evm;

import com.fasterxml.jackson.databind.JsonNode;

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
        return CompiledContracts.read(RESOURCE);
    }

    /** The creation bytecode, 0x-prefixed hex. */
    public static String bytecode() {
        return CompiledContracts.bytecode(compiled());
    }
}
