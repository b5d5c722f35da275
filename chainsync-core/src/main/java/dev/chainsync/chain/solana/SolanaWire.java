package dev.chainsync.chain.solana;

import dev.chainsync.chain.Base58;
import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.MemoText;
import dev.chainsync.chain.Signer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Solana's legacy transaction wire format, for memo transactions (see docs/decisions.md for why it
 * is written here rather than taken from a library). Pure and deterministic: the same inputs give
 * the same bytes and, Ed25519 being deterministic, the same signature.
 *
 * <pre>
 *   transaction = compact-u16 signature count || signatures[64 each] || message
 *   message     = header[3] (signatures required, read-only signed, read-only unsigned)
 *              || compact-u16 key count || account keys[32 each]
 *              || recent blockhash[32]
 *              || compact-u16 instruction count || instructions
 *   instruction = program key index[1] || compact-u16 n || account indices[n] || compact-u16 len || data
 * </pre>
 *
 * Account order: the fee payer (writable signer), the issuer when it is not the fee payer
 * (read-only signer), then the programs (read-only, unsigned). Each memo instruction names the
 * issuer as its signer: the Memo program v2 then checks the issuer signed, so the memo is attributable
 * to the issuer even when another account pays the fees.
 */
final class SolanaWire {
    static final String MEMO_PROGRAM = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";
    static final String COMPUTE_BUDGET_PROGRAM = "ComputeBudget111111111111111111111111111111";

    private static final byte SET_COMPUTE_UNIT_LIMIT = 2;
    private static final byte SET_COMPUTE_UNIT_PRICE = 3;
    private static final int KEY = Ed25519Keypair.KEY_LENGTH;
    private static final int SIGNATURE = Ed25519Keypair.SIGNATURE_LENGTH;

    private SolanaWire() {}

    /** Compute-budget settings: a priority fee in micro-lamports per unit, and a unit limit; null means unset. */
    record ComputeBudget(Long unitPriceMicroLamports, Integer unitLimit) {
        static final ComputeBudget NONE = new ComputeBudget(null, null);

        boolean any() {
            return unitPriceMicroLamports != null || unitLimit != null;
        }
    }

    /** A built transaction: its wire bytes and its id (the first signature, base58). */
    record Built(byte[] wire, String signature) {}

    /** Wire size of the transaction {@link #build} would make, without signing. */
    static int size(List<String> memos, boolean separateFeePayer, ComputeBudget budget) {
        int signers = separateFeePayer ? 2 : 1;
        int keys = signers + 1 + (budget.any() ? 1 : 0);
        int instructions = memos.size() + budgetInstructionCount(budget);
        int size = compactLength(signers)
                + signers * SIGNATURE
                + 3
                + compactLength(keys)
                + keys * KEY
                + KEY
                + compactLength(instructions);
        if (budget.unitLimit() != null) {
            size += instructionSize(0, 5);
        }
        if (budget.unitPriceMicroLamports() != null) {
            size += instructionSize(0, 9);
        }
        for (String memo : memos) {
            size += instructionSize(1, encodeMemo(memo).length);
        }
        return size;
    }

    /**
     * Builds and signs a memo transaction: the compute-budget instructions (if any), then one memo
     * instruction per element of {@code memos}, in order. {@code feePayer} may be {@code issuer}.
     */
    static Built build(Signer feePayer, Signer issuer, List<String> memos, String blockhash, ComputeBudget budget) {
        if (memos.isEmpty()) {
            throw new IllegalArgumentException("a memo transaction carries at least one memo");
        }
        boolean separate = !feePayer.address().equals(issuer.address());
        List<byte[]> keys = new ArrayList<>();
        keys.add(decode32("fee payer address", feePayer.address()));
        if (separate) {
            keys.add(decode32("issuer address", issuer.address()));
        }
        int issuerIndex = separate ? 1 : 0;
        int memoIndex = keys.size();
        keys.add(Base58.decode(MEMO_PROGRAM));
        int budgetIndex = keys.size();
        if (budget.any()) {
            keys.add(Base58.decode(COMPUTE_BUDGET_PROGRAM));
        }
        int signers = separate ? 2 : 1;

        ByteArrayOutputStream message = new ByteArrayOutputStream(ChainClient.SOLANA_MAX_TRANSACTION_BYTES);
        message.write(signers);
        message.write(separate ? 1 : 0); // the issuer signs but is not written to
        message.write(keys.size() - signers); // the programs
        writeCompact(message, keys.size());
        keys.forEach(message::writeBytes);
        message.writeBytes(decode32("blockhash", blockhash));
        writeCompact(message, memos.size() + budgetInstructionCount(budget));
        if (budget.unitLimit() != null) {
            writeInstruction(message, budgetIndex, new int[0], le(SET_COMPUTE_UNIT_LIMIT, budget.unitLimit(), 4));
        }
        if (budget.unitPriceMicroLamports() != null) {
            writeInstruction(
                    message, budgetIndex, new int[0], le(SET_COMPUTE_UNIT_PRICE, budget.unitPriceMicroLamports(), 8));
        }
        for (String memo : memos) {
            writeInstruction(message, memoIndex, new int[] {issuerIndex}, encodeMemo(memo));
        }
        byte[] signed = message.toByteArray();

        ByteArrayOutputStream wire = new ByteArrayOutputStream(signed.length + 1 + signers * SIGNATURE);
        writeCompact(wire, signers);
        byte[] first = sign(feePayer, signed);
        wire.writeBytes(first);
        if (separate) {
            wire.writeBytes(sign(issuer, signed));
        }
        wire.writeBytes(signed);
        byte[] bytes = wire.toByteArray();
        if (bytes.length > ChainClient.SOLANA_MAX_TRANSACTION_BYTES) {
            throw new IllegalArgumentException("transaction of " + memos.size() + " memos is " + bytes.length
                    + " bytes, the limit is " + ChainClient.SOLANA_MAX_TRANSACTION_BYTES);
        }
        return new Built(bytes, Base58.encode(first));
    }

    /** A memo as the Memo program takes it: strict UTF-8, at most {@link MemoText#MAX_BYTES}. */
    static byte[] encodeMemo(String memo) {
        return MemoText.utf8(memo);
    }

    private static int budgetInstructionCount(ComputeBudget budget) {
        return (budget.unitLimit() != null ? 1 : 0) + (budget.unitPriceMicroLamports() != null ? 1 : 0);
    }

    private static int instructionSize(int accounts, int dataLength) {
        return 1 + compactLength(accounts) + accounts + compactLength(dataLength) + dataLength;
    }

    private static void writeInstruction(ByteArrayOutputStream out, int program, int[] accounts, byte[] data) {
        out.write(program);
        writeCompact(out, accounts.length);
        for (int a : accounts) {
            out.write(a);
        }
        writeCompact(out, data.length);
        out.writeBytes(data);
    }

    private static byte[] le(byte discriminator, long value, int width) {
        ByteBuffer b =
                ByteBuffer.allocate(1 + width).order(ByteOrder.LITTLE_ENDIAN).put(discriminator);
        if (width == 4) {
            b.putInt((int) value);
        } else {
            b.putLong(value);
        }
        return b.array();
    }

    /** Solana's compact-u16 ("shortvec"): 7 bits per byte, least significant first. */
    static void writeCompact(ByteArrayOutputStream out, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("compact-u16 out of range: " + value);
        }
        int v = value;
        while (v >= 0x80) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    static int compactLength(int value) {
        return value < 0x80 ? 1 : value < 0x4000 ? 2 : 3;
    }

    private static byte[] sign(Signer signer, byte[] message) {
        byte[] signature = signer.sign(message);
        if (signature == null || signature.length != SIGNATURE) {
            throw new IllegalArgumentException("signer " + signer.address() + " returned a signature of "
                    + (signature == null ? "null" : signature.length + " bytes") + ", expected " + SIGNATURE);
        }
        return signature;
    }

    private static byte[] decode32(String what, String base58) {
        byte[] bytes = Base58.decode(base58);
        if (bytes.length != KEY) {
            throw new IllegalArgumentException(what + " must decode to " + KEY + " bytes, got " + bytes.length);
        }
        return bytes;
    }
}
