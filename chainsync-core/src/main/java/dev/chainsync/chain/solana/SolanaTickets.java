package dev.chainsync.chain.solana;

import dev.chainsync.chain.ChainInstruction;
import dev.chainsync.chain.solana.SolanaMessage.Instruction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instructions of a ticket's life on Solana: a Token-2022 mint of supply 1 and 0 decimals whose
 * permanent delegate is the platform (so the platform transfers and burns without the holder's
 * signature) and whose metadata (Token-2022's metadata extension, on the mint itself) ties it to
 * its database record; then transfers and a burn. The relay puts a memo naming the operation,
 * signed by the platform, in every such transaction.
 *
 * <p>Tokens live in associated token accounts (one per owner and mint, derived, so no lookup is
 * needed to build a transaction). Pure: no network.
 */
final class SolanaTickets {
    static final String PROGRAM = SolanaTokens.TOKEN_2022_PROGRAM;
    static final int DECIMALS = 0;
    static final long SUPPLY = 1;
    static final String SYMBOL = "TICKET";
    /** The metadata field holding a database string that is not a list of {@code k=v}. */
    static final String RECORD_FIELD = "record";

    private SolanaTickets() {}

    /**
     * On-chain metadata of a ticket: name, symbol and URI, plus additional fields (event id, seat,
     * record hash, ...) kept in order.
     */
    record Metadata(String name, String symbol, String uri, Map<String, String> fields) {
        Metadata {
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /**
     * Creates the mint account (the mint keypair signs), initialises its extensions and then the
     * mint, writes the metadata, creates {@code owner}'s token account if needed, mints the one token,
     * removes the mint authority (nobody can mint a second). {@code payer}
     * funds the accounts (and pays the fee); {@code platform} is the mint authority, holds the
     * metadata's update authority and is the permanent delegate. They may be one key.
     */
    static List<Instruction> mint(String payer, String platform, String mint, String owner, Metadata metadata) {
        int length = SolanaTokens.TICKET_MINT_LENGTH;
        int withMetadata = length
                + SolanaTokens.tokenMetadataLength(
                        metadata.name(), metadata.symbol(), metadata.uri(), metadata.fields());
        List<Instruction> out = new ArrayList<>();
        // The mint is created at the size of its fixed extensions but funded for its final size:
        // writing the metadata grows it, and Token-2022 does not add lamports itself.
        out.add(SolanaTokens.createAccount(
                payer, mint, SolanaTokens.rentExemptLamports(withMetadata), length, PROGRAM));
        out.add(SolanaTokens.initializePermanentDelegate(mint, platform));
        out.add(SolanaTokens.initializeMetadataPointer(mint, platform, mint));
        out.add(SolanaTokens.initializeMint2(PROGRAM, mint, DECIMALS, platform));
        out.add(SolanaTokens.initializeTokenMetadata(
                mint, platform, platform, metadata.name(), metadata.symbol(), metadata.uri()));
        metadata.fields().forEach((k, v) -> out.add(SolanaTokens.updateTokenMetadataField(mint, platform, k, v)));
        out.add(SolanaTokens.createAssociatedTokenAccountIdempotent(payer, owner, mint, PROGRAM));
        out.add(SolanaTokens.mintTo(PROGRAM, mint, tokenAccount(owner, mint), platform, SUPPLY));
        out.add(SolanaTokens.removeMintAuthority(PROGRAM, mint, platform));
        return out;
    }

    /**
     * Moves the ticket from {@code from}'s token account to {@code to}'s (created if needed, {@code payer}
     * paying), signed by the platform as permanent delegate. Fails on chain when
     * {@code from} does not hold it, which is what a stale owner must do.
     */
    static List<Instruction> transfer(String payer, String platform, String mint, String from, String to) {
        return List.of(
                SolanaTokens.createAssociatedTokenAccountIdempotent(payer, to, mint, PROGRAM),
                SolanaTokens.transferChecked(
                        PROGRAM, tokenAccount(from, mint), mint, tokenAccount(to, mint), platform, SUPPLY, DECIMALS));
    }

    /** Burns the ticket held by {@code owner}, signed by the platform as permanent delegate. */
    static List<Instruction> burn(String platform, String mint, String owner) {
        return List.of(SolanaTokens.burnChecked(PROGRAM, tokenAccount(owner, mint), mint, platform, SUPPLY, DECIMALS));
    }

    /**
     * A transfer the holder makes from their own wallet, bypassing the platform: the holder signs
     * and pays, and creates the recipient's token account if needed. No memo.
     */
    static List<Instruction> ownerTransfer(String holder, String mint, String to) {
        return List.of(
                SolanaTokens.createAssociatedTokenAccountIdempotent(holder, to, mint, PROGRAM),
                SolanaTokens.transferChecked(
                        PROGRAM, tokenAccount(holder, mint), mint, tokenAccount(to, mint), holder, SUPPLY, DECIMALS));
    }

    /**
     * The Solana instructions of the port's {@code instructions}, in order: a memo signed by
     * {@code platform}, or a ticket operation. {@code fieldsAsKeys} writes a {@code k=v;k=v}
     * metadata string as one metadata field per key (else it is one {@code record} field).
     */
    static List<Instruction> compile(
            String payer, String platform, List<ChainInstruction> instructions, boolean fieldsAsKeys) {
        List<Instruction> out = new ArrayList<>();
        for (ChainInstruction i : instructions) {
            switch (i) {
                case ChainInstruction.Memo m -> out.add(SolanaTokens.memo(platform, m.text()));
                case ChainInstruction.MintTicket m ->
                    out.addAll(mint(payer, platform, m.mint(), m.owner(), metadata(m, fieldsAsKeys)));
                case ChainInstruction.TransferTicket t ->
                    out.addAll(transfer(payer, platform, t.mint(), t.from(), t.to()));
                case ChainInstruction.BurnTicket b -> out.addAll(burn(platform, b.mint(), b.owner()));
            }
        }
        return out;
    }

    /**
     * A ticket's metadata: named after its id, and its database string as additional fields
     * ({@code event=1;seat=A1} gives fields event and seat) or, when it is not of that form or
     * {@code fieldsAsKeys} is false, as the single field {@code record}.
     */
    static Metadata metadata(ChainInstruction.MintTicket m, boolean fieldsAsKeys) {
        Map<String, String> fields = fieldsAsKeys ? keyValues(m.metadata()) : null;
        if (fields == null) {
            fields = Map.of(RECORD_FIELD, m.metadata());
        }
        return new Metadata("Ticket " + m.ticketId(), SYMBOL, "", fields);
    }

    /** {@code k=v;k=v} as an ordered map, or null when {@code s} is not of that form (or repeats a key). */
    private static Map<String, String> keyValues(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : s.split(";", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0 || out.putIfAbsent(part.substring(0, eq), part.substring(eq + 1)) != null) {
                return null;
            }
        }
        return out;
    }

    /** {@code owner}'s associated token account for the ticket {@code mint}. */
    static String tokenAccount(String owner, String mint) {
        return SolanaTokens.associatedTokenAddress(owner, mint, PROGRAM);
    }
}
