package dev.chainsync.chain.solana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainsync.chain.TokenTransfer;
import org.junit.jupiter.api.Test;

/** Reading a ticket's change from a getTransaction result's token balances. */
class SolanaTokenChangesTest {
    private static final String MINT = "Mint1111111111111111111111111111111111111111";
    private static final String OTHER = "Other111111111111111111111111111111111111111";

    private static JsonNode tx(String err, String pre, String post) throws Exception {
        return new ObjectMapper().readTree("""
                {"slot": 7, "blockTime": 1700000000,
                 "meta": {"err": %s, "preTokenBalances": [%s], "postTokenBalances": [%s]},
                 "transaction": {"message": {"accountKeys": ["payer"], "instructions": []}}}""".formatted(err, pre, post));
    }

    private static String balance(String mint, String owner, String amount) {
        return """
                {"accountIndex": 1, "mint": "%s", "owner": "%s",
                 "uiTokenAmount": {"amount": "%s", "decimals": 0}}""".formatted(mint, owner, amount);
    }

    @Test
    void mintTransferAndBurnAreToldApartByWhoHeldTheTokenBeforeAndAfter() throws Exception {
        TokenTransfer mint = SolanaTokenChanges.change(MINT, "s1", tx("null", "", balance(MINT, "alice", "1")));
        assertThat(mint.kind()).isEqualTo(TokenTransfer.Kind.MINT);
        assertThat(mint.to()).isEqualTo("alice");
        assertThat(mint.slot()).isEqualTo(7);
        assertThat(mint.signer()).isEqualTo("payer");

        TokenTransfer transfer = SolanaTokenChanges.change(
                MINT,
                "s2",
                tx(
                        "null",
                        balance(MINT, "alice", "1") + "," + balance(MINT, "bob", "0"),
                        balance(MINT, "alice", "0") + "," + balance(MINT, "bob", "1")));
        assertThat(transfer.kind()).isEqualTo(TokenTransfer.Kind.TRANSFER);
        assertThat(transfer.from()).isEqualTo("alice");
        assertThat(transfer.to()).isEqualTo("bob");

        TokenTransfer burn =
                SolanaTokenChanges.change(MINT, "s3", tx("null", balance(MINT, "bob", "1"), balance(MINT, "bob", "0")));
        assertThat(burn.kind()).isEqualTo(TokenTransfer.Kind.BURN);
        assertThat(burn.from()).isEqualTo("bob");
        assertThat(burn.to()).isNull();
    }

    @Test
    void aFailedTransactionAnotherMintsMoveAndAMoveToTheSameOwnerAreNoChange() throws Exception {
        assertThat(SolanaTokenChanges.change(
                        MINT, "s", tx("{\"InstructionError\":[2,{\"Custom\":1}]}", "", balance(MINT, "alice", "1"))))
                .isNull();
        assertThat(SolanaTokenChanges.change(MINT, "s", tx("null", "", balance(OTHER, "alice", "1"))))
                .isNull();
        assertThat(SolanaTokenChanges.change(
                        MINT, "s", tx("null", balance(MINT, "alice", "1"), balance(MINT, "alice", "1"))))
                .isNull();
    }
}
