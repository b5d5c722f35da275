package dev.chainsync.chain.solana;

import dev.chainsync.chain.Base58;
import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.Signer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Any legacy Solana transaction from a list of instructions, in the wire format {@link SolanaWire}
 * documents (memo transactions keep their own fixed layout there). Pure and deterministic: one
 * input gives one set of bytes and one signature.
 *
 * <p>Account keys are compiled as the runtime requires: the fee payer first, then writable
 * signers, read-only signers, writable non-signers and read-only non-signers (programs included),
 * each group in order of first mention; an account mentioned twice gets the union of its flags.
 */
final class SolanaMessage {
    private static final int KEY = Ed25519Keypair.KEY_LENGTH;
    private static final int SIGNATURE = Ed25519Keypair.SIGNATURE_LENGTH;
    private static final byte SET_COMPUTE_UNIT_LIMIT = 2;
    private static final byte SET_COMPUTE_UNIT_PRICE = 3;

    private SolanaMessage() {}

    /** An account an instruction reads or writes. */
    record AccountMeta(String address, boolean signer, boolean writable) {
        static AccountMeta writableSigner(String address) {
            return new AccountMeta(address, true, true);
        }

        static AccountMeta signer(String address) {
            return new AccountMeta(address, true, false);
        }

        static AccountMeta writable(String address) {
            return new AccountMeta(address, false, true);
        }

        static AccountMeta readonly(String address) {
            return new AccountMeta(address, false, false);
        }
    }

    /** One instruction: the program, its accounts in the program's order, and its data. */
    record Instruction(String program, List<AccountMeta> accounts, byte[] data) {
        Instruction {
            accounts = List.copyOf(accounts);
            data = data.clone();
        }
    }

    /** The compiled account list: keys in order, and how many sign / are read-only. */
    private record Keys(List<String> keys, int signers, int readonlySigners, int readonlyUnsigned) {
        int index(String address) {
            int i = keys.indexOf(address);
            if (i < 0) {
                throw new IllegalStateException(address + " is not among the compiled keys");
            }
            return i;
        }
    }

    /** The compute-budget instructions of {@code budget} (none when it sets nothing), to go first. */
    static List<Instruction> computeBudget(SolanaWire.ComputeBudget budget) {
        List<Instruction> out = new ArrayList<>(2);
        if (budget.unitLimit() != null) {
            byte[] data = java.nio.ByteBuffer.allocate(5)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .put(SET_COMPUTE_UNIT_LIMIT)
                    .putInt(budget.unitLimit())
                    .array();
            out.add(new Instruction(SolanaWire.COMPUTE_BUDGET_PROGRAM, List.of(), data));
        }
        if (budget.unitPriceMicroLamports() != null) {
            byte[] data = java.nio.ByteBuffer.allocate(9)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .put(SET_COMPUTE_UNIT_PRICE)
                    .putLong(budget.unitPriceMicroLamports())
                    .array();
            out.add(new Instruction(SolanaWire.COMPUTE_BUDGET_PROGRAM, List.of(), data));
        }
        return out;
    }

    /** The signer addresses {@code instructions} require, fee payer first, in signature order. */
    static List<String> signers(String feePayer, List<Instruction> instructions) {
        Keys keys = compileKeys(feePayer, instructions);
        return keys.keys().subList(0, keys.signers());
    }

    /** The wire size of the transaction {@link #build} would make, without signing. */
    static int size(String feePayer, List<Instruction> instructions) {
        Keys keys = compileKeys(feePayer, instructions);
        int size = SolanaWire.compactLength(keys.signers())
                + keys.signers() * SIGNATURE
                + 3
                + SolanaWire.compactLength(keys.keys().size())
                + keys.keys().size() * KEY
                + KEY
                + SolanaWire.compactLength(instructions.size());
        for (Instruction ix : instructions) {
            size += 1
                    + SolanaWire.compactLength(ix.accounts().size())
                    + ix.accounts().size()
                    + SolanaWire.compactLength(ix.data().length)
                    + ix.data().length;
        }
        return size;
    }

    /**
     * Compiles and signs {@code instructions} under {@code blockhash}. {@code signers} must hold a
     * signer for every account an instruction marks as signing (and the fee payer); others are ignored.
     *
     * @throws IllegalArgumentException if a signer is missing or the transaction exceeds 1232 bytes
     */
    static SolanaWire.Built build(
            Signer feePayer, List<Signer> signers, List<Instruction> instructions, String blockhash) {
        if (instructions.isEmpty()) {
            throw new IllegalArgumentException("a transaction carries at least one instruction");
        }
        Keys keys = compileKeys(feePayer.address(), instructions);
        Map<String, Signer> byAddress = new LinkedHashMap<>();
        byAddress.put(feePayer.address(), feePayer);
        signers.forEach(s -> byAddress.putIfAbsent(s.address(), s));

        ByteArrayOutputStream message = new ByteArrayOutputStream(ChainClient.SOLANA_MAX_TRANSACTION_BYTES);
        message.write(keys.signers());
        message.write(keys.readonlySigners());
        message.write(keys.readonlyUnsigned());
        SolanaWire.writeCompact(message, keys.keys().size());
        for (String k : keys.keys()) {
            message.writeBytes(decode32(k));
        }
        message.writeBytes(decode32(blockhash));
        SolanaWire.writeCompact(message, instructions.size());
        for (Instruction ix : instructions) {
            message.write(keys.index(ix.program()));
            SolanaWire.writeCompact(message, ix.accounts().size());
            for (AccountMeta a : ix.accounts()) {
                message.write(keys.index(a.address()));
            }
            SolanaWire.writeCompact(message, ix.data().length);
            message.writeBytes(ix.data());
        }
        byte[] signed = message.toByteArray();

        ByteArrayOutputStream wire = new ByteArrayOutputStream(signed.length + 1 + keys.signers() * SIGNATURE);
        SolanaWire.writeCompact(wire, keys.signers());
        String first = null;
        for (String address : keys.keys().subList(0, keys.signers())) {
            Signer s = byAddress.get(address);
            if (s == null) {
                throw new IllegalArgumentException("no signer given for " + address + ", which must sign");
            }
            byte[] signature = s.sign(signed);
            if (signature == null || signature.length != SIGNATURE) {
                throw new IllegalArgumentException("signer " + address + " returned a bad signature");
            }
            if (first == null) {
                first = Base58.encode(signature);
            }
            wire.writeBytes(signature);
        }
        wire.writeBytes(signed);
        byte[] bytes = wire.toByteArray();
        if (bytes.length > ChainClient.SOLANA_MAX_TRANSACTION_BYTES) {
            throw new IllegalArgumentException("transaction of " + instructions.size() + " instructions is "
                    + bytes.length + " bytes, the limit is " + ChainClient.SOLANA_MAX_TRANSACTION_BYTES);
        }
        return new SolanaWire.Built(bytes, first);
    }

    private static Keys compileKeys(String feePayer, List<Instruction> instructions) {
        // address -> {signer, writable}, in order of first mention (the fee payer first).
        Map<String, boolean[]> flags = new LinkedHashMap<>();
        flags.put(feePayer, new boolean[] {true, true});
        for (Instruction ix : instructions) {
            for (AccountMeta a : ix.accounts()) {
                boolean[] f = flags.computeIfAbsent(a.address(), k -> new boolean[2]);
                f[0] |= a.signer();
                f[1] |= a.writable();
            }
            flags.computeIfAbsent(ix.program(), k -> new boolean[2]);
        }
        if (flags.get(feePayer)[0] && !flags.get(feePayer)[1]) {
            throw new IllegalStateException("the fee payer must be writable");
        }
        List<String> ordered = new ArrayList<>(flags.size());
        int[] counts = new int[4];
        for (int group = 0; group < 4; group++) {
            boolean signer = group < 2;
            boolean writable = group % 2 == 0;
            for (Map.Entry<String, boolean[]> e : flags.entrySet()) {
                if (e.getValue()[0] == signer && e.getValue()[1] == writable) {
                    ordered.add(e.getKey());
                    counts[group]++;
                }
            }
        }
        return new Keys(List.copyOf(ordered), counts[0] + counts[1], counts[1], counts[3]);
    }

    private static byte[] decode32(String base58) {
        byte[] bytes = Base58.decode(base58);
        if (bytes.length != KEY) {
            throw new IllegalArgumentException(base58 + " must decode to " + KEY + " bytes, got " + bytes.length);
        }
        return bytes;
    }
}
