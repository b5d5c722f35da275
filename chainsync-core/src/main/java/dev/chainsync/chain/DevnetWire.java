package dev.chainsync.chain;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The devnet's memo transaction encoding (see {@link Devnet} for the layout). Strict in both
 * directions so that one memo has exactly one encoding and therefore one signature.
 */
final class DevnetWire {
    static final byte VERSION = 1;
    static final int MAX_MEMO_BYTES = 566;
    /** A blockhash is a SHA-256 digest. */
    static final int BLOCKHASH_BYTES = 32;

    private static final int SIGNATURE = 0;
    private static final int VERSION_AT = SIGNATURE + Ed25519Keypair.SIGNATURE_LENGTH;
    private static final int PUBLIC_KEY = VERSION_AT + 1;
    private static final int BLOCKHASH = PUBLIC_KEY + Ed25519Keypair.KEY_LENGTH;
    private static final int LAST_VALID = BLOCKHASH + BLOCKHASH_BYTES;
    private static final int MEMO_LENGTH = LAST_VALID + Long.BYTES;
    static final int MEMO = MEMO_LENGTH + Short.BYTES;

    private DevnetWire() {}

    /** A decoded transaction; {@code message} is the signed part of the wire. */
    record Parsed(byte[] signature, byte[] message, byte[] publicKey, byte[] blockhash,
            long lastValidBlockHeight, String memo) {}

    /** Encodes and signs; throws IllegalArgumentException on inputs that cannot be encoded. */
    static byte[] build(Signer signer, String memo, RecentBlockhash blockhash) {
        byte[] memoBytes = encodeMemo(memo);
        byte[] publicKey = decodeFixed("signer address", signer.address(), Ed25519Keypair.KEY_LENGTH);
        byte[] hash = decodeFixed("blockhash", blockhash.blockhash(), BLOCKHASH_BYTES);
        ByteBuffer wire = ByteBuffer.allocate(MEMO + memoBytes.length);
        wire.position(VERSION_AT)
                .put(VERSION)
                .put(publicKey)
                .put(hash)
                .putLong(blockhash.lastValidBlockHeight())
                .putShort((short) memoBytes.length)
                .put(memoBytes);
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
        if (wire == null || wire.length < MEMO) {
            throw invalid("transaction too short: " + (wire == null ? 0 : wire.length) + " bytes");
        }
        if (wire[VERSION_AT] != VERSION) {
            throw invalid("unknown transaction version " + wire[VERSION_AT]);
        }
        ByteBuffer buffer = ByteBuffer.wrap(wire);
        int memoLength = Short.toUnsignedInt(buffer.getShort(MEMO_LENGTH));
        if (memoLength > MAX_MEMO_BYTES) {
            throw invalid("memo of " + memoLength + " bytes exceeds " + MAX_MEMO_BYTES);
        }
        if (wire.length != MEMO + memoLength) {
            throw invalid("transaction is " + wire.length + " bytes, its header says " + (MEMO + memoLength));
        }
        String memo;
        try {
            memo = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(wire, MEMO, memoLength))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid("memo is not valid UTF-8");
        }
        return new Parsed(
                Arrays.copyOfRange(wire, SIGNATURE, VERSION_AT),
                Arrays.copyOfRange(wire, VERSION_AT, wire.length),
                Arrays.copyOfRange(wire, PUBLIC_KEY, BLOCKHASH),
                Arrays.copyOfRange(wire, BLOCKHASH, LAST_VALID),
                buffer.getLong(LAST_VALID),
                memo);
    }

    static byte[] encodeMemo(String memo) {
        ByteBuffer encoded;
        try {
            // Strict: String.getBytes would turn a lone surrogate into '?', silently changing the memo.
            encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(memo));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("memo is not valid Unicode (lone surrogate)");
        }
        if (encoded.remaining() > MAX_MEMO_BYTES) {
            throw new IllegalArgumentException(
                    "memo is " + encoded.remaining() + " UTF-8 bytes, the limit is " + MAX_MEMO_BYTES);
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    private static byte[] decodeFixed(String what, String base58, int length) {
        byte[] bytes = Base58.decode(base58);
        if (bytes.length != length) {
            throw new IllegalArgumentException(what + " must decode to " + length + " bytes, got " + bytes.length);
        }
        return bytes;
    }

    private static ChainException invalid(String message) {
        return new ChainException(ChainException.Kind.INVALID_TRANSACTION, message);
    }
}
