package dev.chainsync.chain.solana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.testing.SolanaRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tickets as Token-2022 mints on the real Solana runtime (LiteSVM behind testing/solana-rpc): the
 * instructions are executed by the real Token-2022, associated-token and Memo programs, and read
 * back through the standard JSON-RPC methods.
 */
class SolanaTicketsTest {
    private static final long SOL = 1_000_000_000L;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, Object> CONFIRMED = Map.of("commitment", "confirmed");

    private final Ed25519Keypair platform = Ed25519Keypair.generate(RANDOM);
    private final String alice = Ed25519Keypair.generate(RANDOM).address();
    private final String bob = Ed25519Keypair.generate(RANDOM).address();
    private RuntimeServer runtime;
    private SolanaChainClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private void start(int endpoints) {
        runtime = SolanaRuntime.start(endpoints);
        runtime.advance(3);
        runtime.airdrop(platform.address(), 10 * SOL);
        client = new SolanaChainClient(
                SolanaConfig.of(runtime.urls()),
                platform,
                false,
                50,
                Duration.ofSeconds(30),
                Clock.systemUTC(),
                new SimpleMeterRegistry());
    }

    private static SolanaTickets.Metadata metadata(String seat) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event", "0d9f3c2e-5a41-4c7e-9d1b-4c2f7a1e8b30");
        fields.put("seat", seat);
        fields.put("record", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        return new SolanaTickets.Metadata("Ticket " + seat, "TCKT", "https://tickets.example/t/" + seat, fields);
    }

    /** Sends {@code instructions} signed by the platform (and {@code others}) and waits for confirmed. */
    private SignedTransaction confirm(List<SolanaMessage.Instruction> instructions, Ed25519Keypair... others) {
        SignedTransaction tx =
                client.buildTransaction(platform, List.of(others), instructions, client.latestBlockhash());
        assertThat(client.submit(tx)).isEqualTo(tx.signature());
        runtime.advance(2);
        assertThat(client.signatureStatuses(List.of(tx.signature())).get(tx.signature()))
                .satisfies(s -> assertThat(s.failed()).as("error %s", s.error()).isFalse())
                .satisfies(s -> assertThat(s.commitment()).isEqualTo(Commitment.CONFIRMED));
        return tx;
    }

    private Ed25519Keypair mintTo(String owner, String seat) {
        Ed25519Keypair mint = Ed25519Keypair.generate(RANDOM);
        confirm(
                SolanaTickets.mint(
                        platform.address(),
                        platform.address(),
                        mint.address(),
                        owner,
                        metadata(seat),
                        "ticket:mint:" + seat),
                mint);
        return mint;
    }

    private JsonNode result(String method, Object... params) {
        JsonNode answer = runtime.rpc(method, List.of(params));
        assertThat(answer.has("error")).as("%s answered %s", method, answer).isFalse();
        return answer.path("result");
    }

    @Test
    void aMintedTicketIsAToken2022MintOfSupplyOneWithThePlatformAsPermanentDelegateAndItsMetadata() {
        start(1);
        Ed25519Keypair mint = Ed25519Keypair.generate(RANDOM);
        List<SolanaMessage.Instruction> instructions = SolanaTickets.mint(
                platform.address(), platform.address(), mint.address(), alice, metadata("A-12"), "ticket:mint:A-12");
        SignedTransaction tx = client.buildTransaction(platform, List.of(mint), instructions, client.latestBlockhash());
        assertThat(tx.wire()).hasSize(SolanaMessage.size(platform.address(), instructions));
        assertThat(tx.memos()).containsExactly("ticket:mint:A-12");
        client.submit(tx);
        assertThat(client.tokenHolding(mint.address()))
                .as("sent but not in a block: unknown at confirmed")
                .isEmpty();
        runtime.advance(2);

        SolanaChainClient.TokenHolding holding =
                client.tokenHolding(mint.address()).orElseThrow();
        String aliceAccount = SolanaTickets.tokenAccount(alice, mint.address());
        assertThat(holding.owner()).isEqualTo(alice);
        assertThat(holding.tokenAccount()).isEqualTo(aliceAccount);
        assertThat(holding.slot()).isEqualTo(client.blockHeight());

        JsonNode info = result(
                        "getAccountInfo", mint.address(), Map.of("encoding", "jsonParsed", "commitment", "confirmed"))
                .path("value");
        assertThat(info.path("owner").asText()).isEqualTo(SolanaTokens.TOKEN_2022_PROGRAM);
        JsonNode parsed = info.path("data").path("parsed");
        assertThat(parsed.path("type").asText()).isEqualTo("mint");
        assertThat(parsed.path("info").path("supply").asText()).isEqualTo("1");
        assertThat(parsed.path("info").path("decimals").asInt()).isZero();
        assertThat(parsed.path("info").path("mintAuthority").isNull())
                .as("nobody can mint a second")
                .isTrue();
        Map<String, JsonNode> extensions = new LinkedHashMap<>();
        parsed.path("info")
                .path("extensions")
                .forEach(e -> extensions.put(e.path("extension").asText(), e.path("state")));
        assertThat(extensions.get("permanentDelegate").path("delegate").asText())
                .isEqualTo(platform.address());
        assertThat(extensions.get("metadataPointer").path("metadataAddress").asText())
                .isEqualTo(mint.address());
        JsonNode metadata = extensions.get("tokenMetadata");
        assertThat(metadata.path("name").asText()).isEqualTo("Ticket A-12");
        assertThat(metadata.path("symbol").asText()).isEqualTo("TCKT");
        assertThat(metadata.path("updateAuthority").asText()).isEqualTo(platform.address());
        assertThat(metadata.path("additionalMetadata").toString())
                .isEqualTo("[[\"event\",\"0d9f3c2e-5a41-4c7e-9d1b-4c2f7a1e8b30\"],[\"seat\",\"A-12\"],"
                        + "[\"record\",\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"]]");
        // Funded for its final size, with metadata: exactly rent-exempt.
        assertThat(info.path("lamports").asLong())
                .isEqualTo(result(
                                "getMinimumBalanceForRentExemption",
                                info.path("space").asLong())
                        .asLong());

        assertThat(result("getTokenSupply", mint.address(), CONFIRMED)
                        .path("value")
                        .path("amount")
                        .asText())
                .isEqualTo("1");
        assertThat(result("getTokenAccountBalance", aliceAccount, CONFIRMED)
                        .path("value")
                        .path("uiAmountString")
                        .asText())
                .isEqualTo("1");
        JsonNode owned = result(
                        "getTokenAccountsByOwner",
                        alice,
                        Map.of("mint", mint.address()),
                        Map.of("encoding", "jsonParsed", "commitment", "confirmed"))
                .path("value");
        assertThat(owned).hasSize(1);
        assertThat(owned.get(0).path("pubkey").asText()).isEqualTo(aliceAccount);
        assertThat(owned.get(0)
                        .path("account")
                        .path("data")
                        .path("parsed")
                        .path("info")
                        .path("owner")
                        .asText())
                .isEqualTo(alice);
        assertThat(result("getSignaturesForAddress", mint.address(), CONFIRMED)
                        .get(0)
                        .path("signature")
                        .asText())
                .isEqualTo(tx.signature());
        assertThat(client.recordsByAddress(mint.address(), null, 10).getFirst().memos())
                .containsExactly("ticket:mint:A-12");
    }

    @Test
    void thePlatformTransfersAndBurnsWithoutTheHoldersSignature() {
        start(1);
        String mint = mintTo(alice, "B-3").address();
        SignedTransaction transfer = confirm(SolanaTickets.transfer(
                platform.address(), platform.address(), mint, alice, bob, "ticket:transfer:B-3"));
        assertThat(SolanaMessage.signers(
                        platform.address(),
                        SolanaTickets.transfer(platform.address(), platform.address(), mint, alice, bob, "m")))
                .containsExactly(platform.address());
        SolanaChainClient.TokenHolding held = client.tokenHolding(mint).orElseThrow();
        assertThat(held.owner()).isEqualTo(bob);
        assertThat(held.tokenAccount()).isEqualTo(SolanaTickets.tokenAccount(bob, mint));
        assertThat(result("getTokenAccountBalance", SolanaTickets.tokenAccount(alice, mint), CONFIRMED)
                        .path("value")
                        .path("amount")
                        .asText())
                .isEqualTo("0");
        JsonNode meta = result("getTransaction", transfer.signature(), Map.of("commitment", "confirmed"))
                .path("meta");
        assertThat(meta.path("postTokenBalances").toString()).contains(bob).contains("\"amount\":\"1\"");
        assertThat(meta.path("preTokenBalances").toString()).contains(alice);

        confirm(SolanaTickets.burn(platform.address(), mint, bob, "ticket:burn:B-3"));
        SolanaChainClient.TokenHolding burned = client.tokenHolding(mint).orElseThrow();
        assertThat(burned.burned()).isTrue();
        assertThat(result("getTokenSupply", mint, CONFIRMED)
                        .path("value")
                        .path("amount")
                        .asText())
                .isEqualTo("0");
    }

    @Test
    void aHolderMovesTheTicketDirectlyAndAPlatformTransferFromTheStaleOwnerFailsOnChain() {
        start(1);
        Ed25519Keypair holder = Ed25519Keypair.generate(RANDOM);
        runtime.airdrop(holder.address(), SOL);
        String mint = mintTo(holder.address(), "C-7").address();

        String direct = runtime.transferAsOwner(holder, mint, bob);
        assertThat(client.tokenHolding(mint).orElseThrow().owner())
                .as("not in a block yet: confirmed still shows the holder")
                .isEqualTo(holder.address());
        runtime.advance(2);
        assertThat(client.tokenHolding(mint).orElseThrow().owner()).isEqualTo(bob);
        assertThat(client.transaction(direct).orElseThrow().signer()).isEqualTo(holder.address());
        assertThat(client.recordsByAddress(mint, null, 10))
                .extracting(dev.chainsync.chain.ChainRecord::signature)
                .first()
                .isEqualTo(direct);

        // The platform still believes the holder owns it: its transfer from the holder must fail.
        SignedTransaction stale = client.buildTransaction(
                platform,
                List.of(),
                SolanaTickets.transfer(platform.address(), platform.address(), mint, holder.address(), alice, "m"),
                client.latestBlockhash());
        assertThatThrownBy(() -> client.submit(stale))
                .isInstanceOfSatisfying(
                        ChainException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChainException.Kind.INVALID_TRANSACTION))
                .hasMessageContaining("Error processing Instruction 1");
        assertThat(client.tokenHolding(mint).orElseThrow().owner()).isEqualTo(bob);
    }

    @Test
    void aDirectTransferWithoutTheHoldersSignatureIsRefused() {
        start(1);
        String mint = mintTo(alice, "D-1").address();
        Ed25519Keypair thief = Ed25519Keypair.generate(RANDOM);
        runtime.airdrop(thief.address(), SOL);
        // The thief signs a transfer out of alice's account: the token program refuses it.
        List<SolanaMessage.Instruction> theft = List.of(SolanaTokens.transferChecked(
                SolanaTickets.PROGRAM,
                SolanaTickets.tokenAccount(alice, mint),
                mint,
                SolanaTickets.tokenAccount(thief.address(), mint),
                thief.address(),
                1,
                0));
        assertThatThrownBy(
                        () -> client.submit(client.buildTransaction(thief, List.of(), theft, client.latestBlockhash())))
                .isInstanceOf(ChainException.class);
        assertThat(client.tokenHolding(mint).orElseThrow().owner()).isEqualTo(alice);
    }

    @Test
    void holdingsOfManyMintsAreReadInBatchesAndAnUnknownMintIsAbsent() {
        start(2);
        List<String> mints = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mints.add(mintTo(i % 2 == 0 ? alice : bob, "E-" + i).address());
        }
        String unknown = Ed25519Keypair.generate(RANDOM).address();
        List<String> asked = new ArrayList<>(mints);
        asked.add(unknown);
        runtime.faults(0, Map.of("outage", true));
        Map<String, SolanaChainClient.TokenHolding> holdings = client.tokenHoldings(asked);
        assertThat(holdings).containsOnlyKeys(mints);
        assertThat(holdings.get(mints.get(0)).owner()).isEqualTo(alice);
        assertThat(holdings.get(mints.get(1)).owner()).isEqualTo(bob);
        assertThat(holdings.get(mints.get(2)).owner()).isEqualTo(alice);
    }

    @Test
    void accountReadsFollowTheCommitmentAndTheEndpointsLag() {
        start(2);
        String mint = mintTo(alice, "F-1").address();
        runtime.advance(40);
        runtime.faults(1, Map.of("lag", 45));
        Map<String, Object> confirmed = Map.of("commitment", "confirmed", "encoding", "base64");
        assertThat(result("getAccountInfo", mint, confirmed).path("value").isObject())
                .isTrue();
        JsonNode lagging = runtime.rpc("getAccountInfo", List.of(mint, confirmed));
        assertThat(lagging.path("result").path("value").isObject()).isTrue();
        // The second endpoint sees the chain 45 blocks behind, before the mint existed.
        JsonNode behind = rpcAt(1, "getAccountInfo", mint, confirmed);
        assertThat(behind.path("result").path("value").isNull()).isTrue();
        JsonNode minSlot = rpcAt(1, "getAccountInfo", mint, Map.of("commitment", "confirmed", "minContextSlot", 40));
        assertThat(minSlot.path("error").path("code").asInt()).isEqualTo(-32016);
        assertThat(result("getAccountInfo", Ed25519Keypair.generate(RANDOM).address(), confirmed)
                        .path("value")
                        .isNull())
                .isTrue();
        assertThat(runtime.rpc("getTokenAccountBalance", List.of(mint))
                        .path("error")
                        .path("message")
                        .asText())
                .contains("not a Token account");
    }

    private JsonNode rpcAt(int endpoint, String method, Object... params) {
        return runtime.rpc(endpoint, method, List.of(params));
    }

    @Test
    void associatedTokenAddressesAndRentMatchSolanas() {
        String owner = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
        String mint = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
        // Values from @solana/kit's getProgramDerivedAddress (bump 254: 255 gives a curve point).
        assertThat(SolanaTokens.associatedTokenAddress(owner, mint, SolanaTokens.TOKEN_PROGRAM))
                .isEqualTo("FGETo8T8wMcN2wCjav8VK6eh3dLk63evNDPxzLSJra8B");
        assertThat(SolanaTokens.associatedTokenAddress(owner, mint, SolanaTokens.TOKEN_2022_PROGRAM))
                .isEqualTo("GdjpegrtGwU3pgtzPivYVViSA8rmGL248qBVKzsrU3DD");
        assertThat(SolanaTokens.rentExemptLamports(0)).isEqualTo(890_880);
        assertThat(SolanaTokens.rentExemptLamports(165)).isEqualTo(2_039_280);
    }

    @Test
    void accountsAreOrderedSignersFirstWritableFirstAndMergedAcrossInstructions() {
        String payer = Ed25519Keypair.generate(RANDOM).address();
        String mint = Ed25519Keypair.generate(RANDOM).address();
        List<SolanaMessage.Instruction> ixs =
                SolanaTickets.mint(payer, platform.address(), mint, alice, metadata("G"), "m");
        assertThat(SolanaMessage.signers(payer, ixs)).containsExactly(payer, mint, platform.address());
        assertThatThrownBy(() -> SolanaMessage.build(platform, List.of(), ixs, platform.address()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no signer given for");
    }
}
