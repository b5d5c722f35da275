package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.api.ApiHarness.Multipart;
import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.chain.evm.AnvilNode;
import dev.chainsync.chain.evm.EvmConfig;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.outbox.ManualRelay;
import dev.chainsync.testing.EvmAnvil;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service with CHAINSYNC_CHAIN=evm against anvil: issue, confirm, verify, reconcile, health. */
class EvmChainTest {
    @TempDir
    Path dataDir;

    private EvmAnvil anvil;
    private ApiHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
        if (anvil != null) {
            anvil.close();
        }
    }

    @Test
    void credentialsAreAnchoredVerifiedAndReconciledThroughEvmRpc() throws Exception {
        anvil = EvmAnvil.start();
        EvmConfig c = anvil.config();
        Path key = Files.writeString(dataDir.resolve("evm-signer.key"), AnvilNode.DEV_KEY);
        h = ApiHarness.start(
                "evm-app",
                dataDir,
                Map.of(
                        "CHAINSYNC_CHAIN", "evm",
                        "CHAINSYNC_EVM_RPC_URLS", anvil.node.url().toString(),
                        "CHAINSYNC_EVM_CHAIN_ID", String.valueOf(AnvilNode.CHAIN_ID),
                        "CHAINSYNC_EVM_SIGNER_KEY_FILE", key.toString(),
                        "CHAINSYNC_EVM_ANCHOR_CONTRACT", c.anchorContract(),
                        "CHAINSYNC_EVM_CONFIRMATIONS", "2"));
        anvil.node.fund(
                org.web3j.crypto.Credentials.create(AnvilNode.DEV_KEY).getAddress(), java.math.BigInteger.TEN.pow(21));
        JsonNode health = ApiHarness.json(h.get("/health"));
        assertThat(health.path("components").path("chain").path("name").asText())
                .isEqualTo("evm");
        assertThat(health.path("components").path("chain").path("status").asText())
                .isEqualTo("up");

        HttpResponse<String> r = h.upload(new Multipart()
                .field("issuer_id", "uni-sci")
                .field("recipient_id", "alice")
                .file("file", "diploma.pdf", "a diploma".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String hash = ApiHarness.json(r).path("hash").asText();

        assertThat(ManualRelay.submitPass(h.app.relay())).isEqualTo(1);
        anvil.node.mine(2);
        h.clock.advance(Duration.ofSeconds(2));
        assertThat(ManualRelay.confirmPass(h.app.relay())).isEqualTo(1);
        JsonNode confirmed = ApiHarness.json(h.get("/v1/credentials/" + hash));
        assertThat(confirmed.path("status").asText()).isEqualTo("confirmed");
        assertThat(anvil.countMemo(CredentialHash.memo(hash))).isEqualTo(1);

        JsonNode verdict = ApiHarness.json(h.get("/v1/verify/" + hash));
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isTrue();
        assertThat(verdict.path("on_chain").asBoolean()).isTrue();

        // An anchor on chain the database never recorded is recovered by reconciliation.
        String lostHash = CredentialHash.sha256Hex("lost credential".getBytes(StandardCharsets.UTF_8));
        ChainClient client = h.app.services().chain();
        RecentBlockhash quote = client.latestBlockhash();
        RecentBlockhash nonce = h.app.services()
                .database()
                .jdbc()
                .inTransaction(tx -> client.reserve(tx, h.app.issuer().address(), quote, List.of()));
        SignedTransaction lost = client.buildMemoTransaction(h.app.issuer(), CredentialHash.memo(lostHash), nonce);
        client.submit(lost);
        anvil.node.mine(2);
        HttpResponse<String> run = h.postEmpty("/v1/reconciliations");
        assertThat(run.statusCode()).as(run.body()).isEqualTo(201);
        JsonNode result = ApiHarness.json(run);
        assertThat(result.path("recovered").asInt()).as(result.toString()).isEqualTo(1);
        assertThat(result.path("matched").asInt()).isEqualTo(1);
        assertThat(ApiHarness.json(h.get("/v1/credentials/" + lostHash))
                        .path("chain_signature")
                        .asText())
                .isEqualTo(lost.signature());
    }
}
