package dev.chainsync.chain;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The devnet's transaction encodings (see {@link Devnet} for the layouts): version 2 carries memos
 * only, version 3 any {@link ChainInstruction}s with co-signers. Strict in both directions so that
 * one list of instructions has exactly one encoding and therefore one signature.
 */
final class DevnetWire {
    static final byte VERSION = 2;
    /** The version of a transaction carrying other instructions than memos. */
    static final byte VERSION_INSTRUCTIONS = 3;

    static final int MAX_MEMO_BYTES = MemoText.MAX_BYTES;
    /** Solana's transaction size limit; the devnet refuses anything larger. */
    static final int MAX_TRANSACTION_BYTES = ChainClient.SOLANA_MAX_TRANSACTION_BYTES;
    /** A blockhash is a SHA-256 digest. */
    static final int BLOCKHASH_BYTES = 32;
    /** The memo count is one byte. */
    static final int MAX_MEMOS = 255;
    /**
     * Solana's Memo program id, carried like the program account a real transaction lists, so that
     * the devnet's size limit bites where Solana's does (11 credential memos per transaction).
     */
    static final byte[] MEMO_PROGRAM = Base58.decode("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");

    private static final int SIGNATURE = 0;
    static final int VERSION_AT = SIGNATURE + Ed25519Keypair.SIGNATURE_LENGTH;
    private static final int PUBLIC_KEY = VERSION_AT + 1;
    private static final int BLOCKHASH = PUBLIC_KEY + Ed25519Keypair.KEY_LENGTH;
    private static final int LAST_VALID = BLOCKHASH + BLOCKHASH_BYTES;
    private static final int PROGRAM = LAST_VALID + Long.BYTES;
    private static final int MEMO_COUNT = PROGRAM + 32;
    static final int MEMOS = MEMO_COUNT + 1;
    /** Each memo instruction's length prefix. */
    static final int MEMO_HEADER = Short.BYTES;

    private DevnetWire() {}

    /** A decoded transaction; {@code message} is the signed part of the wire. */
    record Parsed(
            byte[] signature,
            byte[] message,
            byte[] publicKey,
            byte[] blockhash,
            long lastValidBlockHeight,
            List<String> memos,
            List<ChainInstruction> instructions,
            List<byte[]> cosigners,
            List<byte[]> cosignatures) {}

    /** Wire size of a transaction carrying {@code memos}; throws IllegalArgumentException on an unencodable memo. */
    static int size(List<String> memos) {
        int size = MEMOS;
        for (String memo : memos) {
            size += MEMO_HEADER + encodeMemo(memo).length;
        }
        return size;
    }

    /** Encodes and signs; throws IllegalArgumentException on inputs that cannot be encoded. */
    static byte[] build(Signer signer, List<String> memos, RecentBlockhash blockhash) {
        if (memos.isEmpty() || memos.size() > MAX_MEMOS) {
            throw new IllegalArgumentException(
                    "a transaction carries 1 to " + MAX_MEMOS + " memos, got " + memos.size());
        }
        List<byte[]> encoded = new ArrayList<>(memos.size());
        int size = MEMOS;
        for (String memo : memos) {
            byte[] bytes = encodeMemo(memo);
            encoded.add(bytes);
            size += MEMO_HEADER + bytes.length;
        }
        if (size > MAX_TRANSACTION_BYTES) {
            throw new IllegalArgumentException("transaction of " + memos.size() + " memos is " + size
                    + " bytes, the limit is " + MAX_TRANSACTION_BYTES);
        }
        byte[] publicKey = decodeFixed("signer address", signer.address(), Ed25519Keypair.KEY_LENGTH);
        byte[] hash = decodeFixed("blockhash", blockhash.blockhash(), BLOCKHASH_BYTES);
        ByteBuffer wire = ByteBuffer.allocate(size);
        wire.position(VERSION_AT)
                .put(VERSION)
                .put(publicKey)
                .put(hash)
                .putLong(blockhash.lastValidBlockHeight())
                .put(MEMO_PROGRAM)
                .put((byte) memos.size());
        for (byte[] memo : encoded) {
            wire.putShort((short) memo.length).put(memo);
        }
        byte[] bytes = wire.array();
        byte[] signature = signer.sign(Arrays.copyOfRange(bytes, VERSION_AT, bytes.length));
        if (signature == null || signature.length != Ed25519Keypair.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("signer " + signer.address() + " returned a signature of "
                    + (signature == null ? "null" : signature.length + " bytes") + ", expected "
                    + Ed25519Keypair.SIGNATURE_LENGTH);
        }
        System.arraycopy(signature, 0, bytes, SIGNATURE, signature.length);
        return bytes;
    }

    /** Decodes {@code wire}; throws INVALID_TRANSACTION when it is not exactly one well-formed transaction. */
    static Parsed parse(byte[] wire) {
        if (wire != null && wire.length > VERSION_AT && wire[VERSION_AT] == VERSION_INSTRUCTIONS) {
            return DevnetInstructionWire.parse(wire);
        }
        if (wire == null || wire.length < MEMOS) {
            throw invalid("transaction too short: " + (wire == null ? 0 : wire.length) + " bytes");
        }
        if (wire.length > MAX_TRANSACTION_BYTES) {
            throw invalid("transaction too large: " + wire.length + " bytes, the limit is " + MAX_TRANSACTION_BYTES);
        }
        if (wire[VERSION_AT] != VERSION) {
            throw invalid("unknown transaction version " + wire[VERSION_AT]);
        }
        if (!Arrays.equals(wire, PROGRAM, MEMO_COUNT, MEMO_PROGRAM, 0, MEMO_PROGRAM.length)) {
            throw invalid("not a memo program transaction");
        }
        ByteBuffer buffer = ByteBuffer.wrap(wire);
        int count = Byte.toUnsignedInt(wire[MEMO_COUNT]);
        if (count == 0) {
            throw invalid("transaction carries no memo");
        }
        List<String> memos = new ArrayList<>(count);
        int at = MEMOS;
        for (int i = 0; i < count; i++) {
            if (at + MEMO_HEADER > wire.length) {
                throw invalid("transaction ends inside memo " + i + " of " + count);
            }
            int memoLength = Short.toUnsignedInt(buffer.getShort(at));
            at += MEMO_HEADER;
            if (memoLength > MAX_MEMO_BYTES) {
                throw invalid("memo of " + memoLength + " bytes exceeds " + MAX_MEMO_BYTES);
            }
            if (at + memoLength > wire.length) {
                throw invalid("transaction ends inside memo " + i + " of " + count);
            }
            try {
                memos.add(StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(wire, at, memoLength))
                        .toString());
            } catch (CharacterCodingException e) {
                throw invalid("memo is not valid UTF-8");
            }
            at += memoLength;
        }
        if (at != wire.length) {
            throw invalid("transaction is " + wire.length + " bytes, its memos end at " + at);
        }
        return new Parsed(
                Arrays.copyOfRange(wire, SIGNATURE, VERSION_AT),
                Arrays.copyOfRange(wire, VERSION_AT, wire.length),
                Arrays.copyOfRange(wire, PUBLIC_KEY, BLOCKHASH),
                Arrays.copyOfRange(wire, BLOCKHASH, LAST_VALID),
                buffer.getLong(LAST_VALID),
                List.copyOf(memos),
                memos.stream().<ChainInstruction>map(ChainInstruction.Memo::new).toList(),
                List.of(),
                List.of());
    }

    static byte[] encodeMemo(String memo) {
        return MemoText.utf8(memo);
    }

    static byte[] decodeFixed(String what, String base58, int length) {
        byte[] bytes = Base58.decode(base58);
        if (bytes.length != length) {
            throw new IllegalArgumentException(what + " must decode to " + length + " bytes, got " + bytes.length);
        }
        return bytes;
    }

    static ChainException invalid(String message) {
        return new ChainException(ChainException.Kind.INVALID_TRANSACTION, message);
    }
}
