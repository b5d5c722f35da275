package dev.chainsync.chain.evm;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The test contract emitting the five Intuition MultiVault (v2) events, as compiled by solc-js from
 * {@code testing/evm/contracts/IntuitionEvents.sol} and committed as {@code evm/IntuitionEvents.json}
 * (a test recompiles and compares). For ingest tests and benchmarks; never deployed in production.
 */
public final class IntuitionEventsContract {
    /** The compiled contract's resource. */
    public static final String RESOURCE = "/evm/IntuitionEvents.json";
    /** Events {@code fill} emits per generated group (atoms, triple, deposits, prices, a redemption). */
    public static final int FILL_GROUP = 10;
    /** Gas one generated event costs at most, with margin (measured on anvil: about 4,000 to 6,500). */
    public static final long GAS_PER_FILLED_EVENT = 9_000;

    private IntuitionEventsContract() {}

    /** The committed compiler output: compiler version, ABI and creation bytecode. */
    public static JsonNode compiled() {
        return CompiledContracts.read(RESOURCE);
    }

    /** The creation bytecode, 0x-prefixed hex. */
    public static String bytecode() {
        return CompiledContracts.bytecode(compiled());
    }

    /**
     * Calldata of {@code fill(first, count)}: emits the generated events numbered {@code first} to
     * {@code first + count - 1} (see the Solidity source for what each one is).
     */
    public static String fillCall(long first, long count) {
        return selector("fill(uint256,uint256)") + word(BigInteger.valueOf(first)) + word(BigInteger.valueOf(count));
    }

    /** Gas to give a {@code fill} of {@code count} events. */
    public static long fillGas(long count) {
        return 60_000 + count * GAS_PER_FILLED_EVENT;
    }

    /** The 4-byte selector of a function signature, 0x-prefixed. */
    static String selector(String signature) {
        return Numeric.toHexString(Hash.sha3(signature.getBytes(StandardCharsets.US_ASCII)))
                .substring(0, 10);
    }

    private static String word(BigInteger value) {
        return Numeric.toHexStringNoPrefixZeroPadded(value, 64);
    }
}
