package dev.chainsync.chain;

import dev.chainsync.chain.ChainInstruction.BurnTicket;
import dev.chainsync.chain.ChainInstruction.Memo;
import dev.chainsync.chain.ChainInstruction.MintTicket;
import dev.chainsync.chain.ChainInstruction.TransferTicket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The devnet's version-3 encoding: any {@link ChainInstruction}s, with co-signers (see {@link
 * Devnet} for the layout). Memo-only transactions keep version 2 ({@link DevnetWire}), so their
 * bytes and signatures are what they always were.
 */
final class DevnetInstructionWire {
    static final byte TAG_MEMO = 1;
    static final byte TAG_MINT = 2;
    static final byte TAG_TRANSFER = 3;
    static final byte TAG_BURN = 4;
    static final int MAX_INSTRUCTIONS = 255;
    static final int MAX_TICKET_ID_BYTES = 255;

    private static final int KEY = Ed25519Keypair.KEY_LENGTH;
    private static final int SIG = Ed25519Keypair.SIGNATURE_LENGTH;
    /** version, signer, blockhash, last valid height, co-signer count. */
    private static final int FIXED = 1 + KEY + DevnetWire.BLOCKHASH_BYTES + Long.BYTES + 1;

    private DevnetInstructionWire() {}

    /** Wire size of a transaction carrying {@code instructions}; IllegalArgumentException if one cannot be encoded. */
    static int size(List<ChainInstruction> instructions) {
        int cosigners = (int) instructions.stream()
                .filter(i -> i instanceof MintTicket)
                .map(i -> ((MintTicket) i).mint())
                .distinct()
                .count();
        return SIG + FIXED + cosigners * (KEY + SIG) + 1 + body(instructions).length;
    }

    /** Encodes and signs (the signer and each new mint's derived key). */
    static byte[] build(Signer signer, List<ChainInstruction> instructions, RecentBlockhash blockhash) {
        if (instructions.isEmpty() || instructions.size() > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException(
                    "a transaction carries 1 to " + MAX_INSTRUCTIONS + " instructions, got " + instructions.size());
        }
        List<Ed25519Keypair> cosigners = new ArrayList<>();
        for (ChainInstruction i : instructions) {
            if (i instanceof MintTicket m
                    && cosigners.stream().noneMatch(k -> k.address().equals(m.mint()))) {
                Ed25519Keypair mintKey = TicketMints.keypair(signer, m.ticketId());
                if (!mintKey.address().equals(m.mint())) {
                    throw new IllegalArgumentException("mint " + m.mint() + " of ticket " + m.ticketId()
                            + " is not the address derived from the signer (" + mintKey.address() + ")");
                }
                cosigners.add(mintKey);
            }
        }
        byte[] body = body(instructions);
        int messageSize = FIXED + cosigners.size() * KEY + 1 + body.length;
        int size = SIG + messageSize + cosigners.size() * SIG;
        if (size > DevnetWire.MAX_TRANSACTION_BYTES) {
            throw new IllegalArgumentException("transaction of " + instructions.size() + " instructions is " + size
                    + " bytes, the limit is " + DevnetWire.MAX_TRANSACTION_BYTES);
        }
        ByteBuffer message = ByteBuffer.allocate(messageSize)
                .put(DevnetWire.VERSION_INSTRUCTIONS)
                .put(DevnetWire.decodeFixed("signer address", signer.address(), KEY))
                .put(DevnetWire.decodeFixed("blockhash", blockhash.blockhash(), DevnetWire.BLOCKHASH_BYTES))
                .putLong(blockhash.lastValidBlockHeight())
                .put((byte) cosigners.size());
        cosigners.forEach(k -> message.put(k.publicKey()));
        message.put((byte) instructions.size()).put(body);
        byte[] signed = message.array();
        ByteBuffer wire = ByteBuffer.allocate(size);
        wire.put(checked(signer, signer.sign(signed))).put(signed);
        cosigners.forEach(k -> wire.put(k.sign(signed)));
        return wire.array();
    }

    /** Decodes a version-3 transaction; INVALID_TRANSACTION when it is not exactly one well-formed one. */
    static DevnetWire.Parsed parse(byte[] wire) {
        if (wire.length > DevnetWire.MAX_TRANSACTION_BYTES) {
            throw DevnetWire.invalid("transaction too large: " + wire.length + " bytes, the limit is "
                    + DevnetWire.MAX_TRANSACTION_BYTES);
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(wire);
            byte[] signature = take(b, SIG);
            int messageStart = b.position();
            b.get(); // version, checked by the caller
            byte[] publicKey = take(b, KEY);
            byte[] hash = take(b, DevnetWire.BLOCKHASH_BYTES);
            long lastValid = b.getLong();
            int cosignerCount = Byte.toUnsignedInt(b.get());
            List<byte[]> cosigners = new ArrayList<>();
            for (int i = 0; i < cosignerCount; i++) {
                cosigners.add(take(b, KEY));
            }
            int count = Byte.toUnsignedInt(b.get());
            if (count == 0) {
                throw DevnetWire.invalid("transaction carries no instruction");
            }
            List<ChainInstruction> instructions = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                instructions.add(instruction(b));
            }
            int messageEnd = b.position();
            if (wire.length - messageEnd != cosignerCount * SIG) {
                throw DevnetWire.invalid("transaction is " + wire.length + " bytes, its message ends at " + messageEnd
                        + " with " + cosignerCount + " co-signatures");
            }
            List<byte[]> cosignatures = new ArrayList<>();
            for (int i = 0; i < cosignerCount; i++) {
                cosignatures.add(take(b, SIG));
            }
            return new DevnetWire.Parsed(
                    signature,
                    Arrays.copyOfRange(wire, messageStart, messageEnd),
                    publicKey,
                    hash,
                    lastValid,
                    ChainInstruction.memos(instructions),
                    List.copyOf(instructions),
                    cosigners,
                    cosignatures);
        } catch (java.nio.BufferUnderflowException e) {
            throw DevnetWire.invalid("transaction ends early");
        }
    }

    private static byte[] body(List<ChainInstruction> instructions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ChainInstruction i : instructions) {
            switch (i) {
                case Memo m -> {
                    byte[] text = MemoText.utf8(m.text());
                    out.write(TAG_MEMO);
                    out.writeBytes(
                            ByteBuffer.allocate(2).putShort((short) text.length).array());
                    out.writeBytes(text);
                }
                case MintTicket m -> {
                    byte[] id = m.ticketId().getBytes(StandardCharsets.UTF_8);
                    byte[] meta = m.metadata().getBytes(StandardCharsets.UTF_8);
                    if (id.length == 0 || id.length > MAX_TICKET_ID_BYTES) {
                        throw new IllegalArgumentException("ticket id must be 1 to 255 UTF-8 bytes");
                    }
                    if (meta.length > MintTicket.MAX_METADATA_BYTES) {
                        throw new IllegalArgumentException("mint metadata is " + meta.length + " bytes, the limit is "
                                + MintTicket.MAX_METADATA_BYTES);
                    }
                    out.write(TAG_MINT);
                    out.writeBytes(key("mint", m.mint()));
                    out.writeBytes(key("owner", m.owner()));
                    out.write(id.length);
                    out.writeBytes(id);
                    out.writeBytes(
                            ByteBuffer.allocate(2).putShort((short) meta.length).array());
                    out.writeBytes(meta);
                }
                case TransferTicket t -> {
                    out.write(TAG_TRANSFER);
                    out.writeBytes(key("mint", t.mint()));
                    out.writeBytes(key("from", t.from()));
                    out.writeBytes(key("to", t.to()));
                }
                case BurnTicket t -> {
                    out.write(TAG_BURN);
                    out.writeBytes(key("mint", t.mint()));
                    out.writeBytes(key("owner", t.owner()));
                }
            }
        }
        return out.toByteArray();
    }

    private static ChainInstruction instruction(ByteBuffer b) {
        byte tag = b.get();
        return switch (tag) {
            case TAG_MEMO -> new Memo(utf8(take(b, Short.toUnsignedInt(b.getShort())), DevnetWire.MAX_MEMO_BYTES));
            case TAG_MINT -> {
                String mint = Base58.encode(take(b, KEY));
                String owner = Base58.encode(take(b, KEY));
                String id = utf8(take(b, Byte.toUnsignedInt(b.get())), MAX_TICKET_ID_BYTES);
                String meta = utf8(take(b, Short.toUnsignedInt(b.getShort())), MintTicket.MAX_METADATA_BYTES);
                yield new MintTicket(id, mint, owner, meta);
            }
            case TAG_TRANSFER ->
                new TransferTicket(
                        Base58.encode(take(b, KEY)), Base58.encode(take(b, KEY)), Base58.encode(take(b, KEY)));
            case TAG_BURN -> new BurnTicket(Base58.encode(take(b, KEY)), Base58.encode(take(b, KEY)));
            default -> throw DevnetWire.invalid("unknown instruction tag " + tag);
        };
    }

    private static byte[] key(String what, String address) {
        return DevnetWire.decodeFixed(what + " address", address, KEY);
    }

    private static byte[] take(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static String utf8(byte[] bytes, int max) {
        if (bytes.length > max) {
            throw DevnetWire.invalid("field of " + bytes.length + " bytes exceeds " + max);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw DevnetWire.invalid("text is not valid UTF-8");
        }
    }

    private static byte[] checked(Signer signer, byte[] signature) {
        if (signature == null || signature.length != SIG) {
            throw new IllegalArgumentException("signer " + signer.address() + " returned a malformed signature");
        }
        return signature;
    }
}
