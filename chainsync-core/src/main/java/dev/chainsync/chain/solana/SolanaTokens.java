package dev.chainsync.chain.solana;

import static dev.chainsync.chain.solana.SolanaMessage.AccountMeta.readonly;
import static dev.chainsync.chain.solana.SolanaMessage.AccountMeta.signer;
import static dev.chainsync.chain.solana.SolanaMessage.AccountMeta.writable;
import static dev.chainsync.chain.solana.SolanaMessage.AccountMeta.writableSigner;

import dev.chainsync.chain.Base58;
import dev.chainsync.chain.solana.SolanaMessage.Instruction;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Instructions of the System, Token-2022 (and SPL Token), Associated Token Account and Memo
 * programs, as their programs define them, plus the addresses they derive. Each builder returns
 * one {@link Instruction}; callers compose transactions from them ({@link SolanaTickets}).
 *
 * <p>Layouts: spl-token's instruction enum (one tag byte, then little-endian fields, a
 * {@code COption<Pubkey>} as one tag byte and 32 bytes), Token-2022's extension instructions (the
 * extension's tag, then its sub-instruction), and spl-token-metadata-interface's instructions (an
 * 8-byte discriminator, the first bytes of SHA-256 of their names, then Borsh).
 */
final class SolanaTokens {
    static final String SYSTEM_PROGRAM = "11111111111111111111111111111111";
    static final String TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
    static final String TOKEN_2022_PROGRAM = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
    static final String ASSOCIATED_TOKEN_PROGRAM = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";

    /** spl-token's Account length; Token-2022 pads a mint's base state to it before its extensions. */
    static final int ACCOUNT_LENGTH = 165;
    /** A Token-2022 TLV entry's header: u16 type, u16 length. */
    static final int TLV_HEADER = 4;
    /** A Token-2022 mint with the PermanentDelegate (32 bytes) and MetadataPointer (64 bytes) extensions. */
    static final int TICKET_MINT_LENGTH = ACCOUNT_LENGTH + 1 + TLV_HEADER + 32 + TLV_HEADER + 64;

    /** Rent: lamports per byte-year (3,480) times the two years that make an account exempt. */
    private static final long RENT_EXEMPT_LAMPORTS_PER_BYTE = 3_480L * 2;
    /** Bytes the runtime counts for every account besides its data. */
    private static final long ACCOUNT_STORAGE_OVERHEAD = 128;

    private static final byte TOKEN_MINT_TO = 7;
    private static final byte TOKEN_SET_AUTHORITY = 6;
    private static final byte TOKEN_TRANSFER_CHECKED = 12;
    private static final byte TOKEN_BURN_CHECKED = 15;
    private static final byte TOKEN_INITIALIZE_MINT2 = 20;
    private static final byte TOKEN_INITIALIZE_PERMANENT_DELEGATE = 35;
    private static final byte TOKEN_METADATA_POINTER_EXTENSION = 39;
    private static final byte AUTHORITY_MINT_TOKENS = 0;
    private static final byte ATA_CREATE_IDEMPOTENT = 1;
    private static final int SYSTEM_CREATE_ACCOUNT = 0;
    private static final byte[] METADATA_INITIALIZE = discriminator("spl_token_metadata_interface:initialize_account");
    private static final byte[] METADATA_UPDATE_FIELD = discriminator("spl_token_metadata_interface:updating_field");
    /** spl-token-metadata-interface's Field enum: Name, Symbol, Uri, then Key(String). */
    private static final byte FIELD_KEY = 3;

    private SolanaTokens() {}

    /** Lamports that keep an account of {@code dataLength} bytes rent-exempt (the cluster default rent). */
    static long rentExemptLamports(long dataLength) {
        return (ACCOUNT_STORAGE_OVERHEAD + dataLength) * RENT_EXEMPT_LAMPORTS_PER_BYTE;
    }

    // ---------------------------------------------------------------- System

    /** System program CreateAccount: {@code payer} funds a new account that signs for its address. */
    static Instruction createAccount(String payer, String account, long lamports, long space, String owner) {
        ByteBuffer data = le(4 + 8 + 8 + 32)
                .putInt(SYSTEM_CREATE_ACCOUNT)
                .putLong(lamports)
                .putLong(space);
        data.put(key(owner));
        return new Instruction(SYSTEM_PROGRAM, List.of(writableSigner(payer), writableSigner(account)), data.array());
    }

    // ---------------------------------------------------------------- Token-2022 mint set-up

    /** InitializePermanentDelegate: {@code delegate} may transfer and burn any holder's tokens of this mint. */
    static Instruction initializePermanentDelegate(String mint, String delegate) {
        byte[] data = concat(new byte[] {TOKEN_INITIALIZE_PERMANENT_DELEGATE}, key(delegate));
        return new Instruction(TOKEN_2022_PROGRAM, List.of(writable(mint)), data);
    }

    /** MetadataPointer Initialize: where the mint's metadata lives (the mint itself here). */
    static Instruction initializeMetadataPointer(String mint, String authority, String metadata) {
        byte[] data = concat(new byte[] {TOKEN_METADATA_POINTER_EXTENSION, 0}, key(authority), key(metadata));
        return new Instruction(TOKEN_2022_PROGRAM, List.of(writable(mint)), data);
    }

    /** InitializeMint2 without a freeze authority. */
    static Instruction initializeMint2(String program, String mint, int decimals, String mintAuthority) {
        byte[] data = concat(new byte[] {TOKEN_INITIALIZE_MINT2, (byte) decimals}, key(mintAuthority), new byte[] {0});
        return new Instruction(program, List.of(writable(mint)), data);
    }

    /** TokenMetadata Initialize on a mint that points at itself; the mint authority signs. */
    static Instruction initializeTokenMetadata(
            String mint, String updateAuthority, String mintAuthority, String name, String symbol, String uri) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(METADATA_INITIALIZE);
        borsh(data, name);
        borsh(data, symbol);
        borsh(data, uri);
        return new Instruction(
                TOKEN_2022_PROGRAM,
                List.of(writable(mint), readonly(updateAuthority), readonly(mint), signer(mintAuthority)),
                data.toByteArray());
    }

    /** TokenMetadata UpdateField with a key of the additional metadata; the update authority signs. */
    static Instruction updateTokenMetadataField(String mint, String updateAuthority, String field, String value) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(METADATA_UPDATE_FIELD);
        data.write(FIELD_KEY);
        borsh(data, field);
        borsh(data, value);
        return new Instruction(
                TOKEN_2022_PROGRAM, List.of(writable(mint), signer(updateAuthority)), data.toByteArray());
    }

    /** The TokenMetadata TLV entry's size once initialized with these fields (to fund the mint's rent). */
    static int tokenMetadataLength(String name, String symbol, String uri, Map<String, String> fields) {
        int size = TLV_HEADER + 32 + 32 + borshLength(name) + borshLength(symbol) + borshLength(uri) + 4;
        for (Map.Entry<String, String> f : fields.entrySet()) {
            size += borshLength(f.getKey()) + borshLength(f.getValue());
        }
        return size;
    }

    // ---------------------------------------------------------------- token movements

    /** MintTo: {@code amount} new tokens into {@code destination}; the mint authority signs. */
    static Instruction mintTo(String program, String mint, String destination, String authority, long amount) {
        byte[] data = le(9).put(TOKEN_MINT_TO).putLong(amount).array();
        return new Instruction(program, List.of(writable(mint), writable(destination), signer(authority)), data);
    }

    /** SetAuthority(MintTokens, none): nobody can mint more, so the supply stays what it is. */
    static Instruction removeMintAuthority(String program, String mint, String authority) {
        byte[] data = {TOKEN_SET_AUTHORITY, AUTHORITY_MINT_TOKENS, 0};
        return new Instruction(program, List.of(writable(mint), signer(authority)), data);
    }

    /**
     * TransferChecked: {@code authority} is the source account's owner, its delegate, or the mint's
     * permanent delegate (Token-2022).
     */
    static Instruction transferChecked(
            String program,
            String source,
            String mint,
            String destination,
            String authority,
            long amount,
            int decimals) {
        byte[] data = le(10).put(TOKEN_TRANSFER_CHECKED)
                .putLong(amount)
                .put((byte) decimals)
                .array();
        return new Instruction(
                program, List.of(writable(source), readonly(mint), writable(destination), signer(authority)), data);
    }

    /** BurnChecked: {@code authority} as for {@link #transferChecked}. */
    static Instruction burnChecked(
            String program, String account, String mint, String authority, long amount, int decimals) {
        byte[] data = le(10).put(TOKEN_BURN_CHECKED)
                .putLong(amount)
                .put((byte) decimals)
                .array();
        return new Instruction(program, List.of(writable(account), writable(mint), signer(authority)), data);
    }

    // ---------------------------------------------------------------- associated token accounts

    /** CreateIdempotent: {@code owner}'s associated token account for {@code mint}, if it does not exist yet. */
    static Instruction createAssociatedTokenAccountIdempotent(
            String payer, String owner, String mint, String tokenProgram) {
        return new Instruction(
                ASSOCIATED_TOKEN_PROGRAM,
                List.of(
                        writableSigner(payer),
                        writable(associatedTokenAddress(owner, mint, tokenProgram)),
                        readonly(owner),
                        readonly(mint),
                        readonly(SYSTEM_PROGRAM),
                        readonly(tokenProgram)),
                new byte[] {ATA_CREATE_IDEMPOTENT});
    }

    /** The associated token account of {@code owner} for {@code mint}: the PDA of (owner, token program, mint). */
    static String associatedTokenAddress(String owner, String mint, String tokenProgram) {
        return programAddress(List.of(key(owner), key(tokenProgram), key(mint)), ASSOCIATED_TOKEN_PROGRAM);
    }

    /**
     * Solana's find_program_address: the first bump from 255 down whose
     * SHA-256(seeds || bump || program || "ProgramDerivedAddress") is not an Ed25519 point.
     */
    static String programAddress(List<byte[]> seeds, String program) {
        for (int bump = 255; bump >= 0; bump--) {
            MessageDigest sha = sha256();
            seeds.forEach(sha::update);
            sha.update((byte) bump);
            sha.update(key(program));
            sha.update("ProgramDerivedAddress".getBytes(StandardCharsets.US_ASCII));
            byte[] candidate = sha.digest();
            if (!Ed25519Points.onCurve(candidate)) {
                return Base58.encode(candidate);
            }
        }
        throw new IllegalStateException("no program address for these seeds");
    }

    // ---------------------------------------------------------------- memo

    /** A Memo v2 instruction that {@code signer} signs. */
    static Instruction memo(String signer, String text) {
        return new Instruction(SolanaWire.MEMO_PROGRAM, List.of(signer(signer)), SolanaWire.encodeMemo(text));
    }

    // ---------------------------------------------------------------- encoding

    static byte[] key(String address) {
        byte[] k = Base58.decode(address);
        if (k.length != 32) {
            throw new IllegalArgumentException("not a 32-byte address: " + address);
        }
        return k;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void borsh(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(le(4).putInt(b.length).array());
        out.writeBytes(b);
    }

    private static int borshLength(String s) {
        return 4 + s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] discriminator(String name) {
        return Arrays.copyOf(sha256().digest(name.getBytes(StandardCharsets.UTF_8)), 8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether 32 bytes decompress to a point of Ed25519 (what a program address must not be). */
    static final class Ed25519Points {
        private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
        /** d = -121665 / 121666 mod p. */
        private static final BigInteger D = BigInteger.valueOf(-121665)
                .multiply(BigInteger.valueOf(121666).modInverse(P))
                .mod(P);

        private Ed25519Points() {}

        /**
         * As curve25519-dalek's decompression: y is the little-endian value without its top bit
         * (reduced mod p), and the bytes are a point when (y² - 1) / (d·y² + 1) is a square mod p.
         */
        static boolean onCurve(byte[] compressed) {
            byte[] be = new byte[32];
            for (int i = 0; i < 32; i++) {
                be[i] = compressed[31 - i];
            }
            be[0] &= 0x7F;
            BigInteger y = new BigInteger(1, be).mod(P);
            BigInteger y2 = y.multiply(y).mod(P);
            BigInteger u = y2.subtract(BigInteger.ONE).mod(P);
            BigInteger v = D.multiply(y2).add(BigInteger.ONE).mod(P);
            BigInteger x2 = u.multiply(v.modInverse(P)).mod(P);
            return x2.signum() == 0
                    || x2.modPow(P.subtract(BigInteger.ONE).shiftRight(1), P).equals(BigInteger.ONE);
        }
    }
}
