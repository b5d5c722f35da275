package dev.chainsync.chain.solana;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.chain.TokenTransfer;

/**
 * What a landed transaction did to a ticket token, read from its {@code getTransaction} result:
 * the token balances before and after ({@code meta.preTokenBalances} / {@code postTokenBalances},
 * which Solana lists for every token account of the transaction) say who held the mint's token.
 * This sees every way a token can move, the platform's instructions and a wallet's own alike.
 */
final class SolanaTokenChanges {
    private SolanaTokenChanges() {}

    /**
     * The change {@code tx} (signature {@code signature}) made to {@code mint}'s token, or null when
     * it failed or left the holder as it was.
     */
    static TokenTransfer change(String mint, String signature, JsonNode tx) {
        JsonNode meta = tx.path("meta");
        if (meta.hasNonNull("err")) {
            return null;
        }
        String before = holder(meta.path("preTokenBalances"), mint);
        String after = holder(meta.path("postTokenBalances"), mint);
        TokenTransfer.Kind kind;
        if (before == null && after == null || before != null && before.equals(after)) {
            return null;
        } else if (before == null) {
            kind = TokenTransfer.Kind.MINT;
        } else if (after == null) {
            kind = TokenTransfer.Kind.BURN;
        } else {
            kind = TokenTransfer.Kind.TRANSFER;
        }
        ChainRecord record = SolanaMemos.record(signature, tx);
        return new TokenTransfer(
                signature,
                record.slot(),
                record.blockTime(),
                mint,
                kind,
                before,
                after,
                record.signer(),
                record.memos());
    }

    /** The owner of the token account that holds a non-zero amount of {@code mint} in {@code balances}, or null. */
    private static String holder(JsonNode balances, String mint) {
        for (JsonNode b : balances) {
            if (mint.equals(b.path("mint").asText())
                    && !"0".equals(b.path("uiTokenAmount").path("amount").asText("0"))) {
                return b.path("owner").asText(null);
            }
        }
        return null;
    }
}
