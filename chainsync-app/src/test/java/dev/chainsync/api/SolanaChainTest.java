package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.api.ApiHarness.Multipart;
import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.chain.solana.RuntimeServer;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.outbox.ManualRelay;
import dev.chainsync.testing.SolanaRuntime;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service with CHAINSYNC_CHAIN=solana against the Solana runtime server: issue, verify, reconcile, health. */
class SolanaChainTest {
    @TempDir
    Path dataDir;

    private RuntimeServer runtime;
    private ApiHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void credentialsAreAnchoredVerifiedAndReconciledThroughSolanaRpc() {
        runtime = SolanaRuntime.start(2);
        runtime.advance(3);
        h = ApiHarness.start(
                "solana-app",
                dataDir,
                Map.of(
                        "CHAINSYNC_CHAIN",
                        "solana",
                        "CHAINSYNC_SOLANA_RPC_URLS",
                        runtime.url(0) + "," + runtime.url(1)));

        // The issuer pays the fees and has nothing yet: /health says so, and lists both endpoints.
        HttpResponse<String> unfunded = h.get("/health");
        assertThat(unfunded.statusCode()).isEqualTo(503);
        JsonNode chain = ApiHarness.json(unfunded).path("components").path("chain");
        assertThat(chain.path("name").asText()).isEqualTo("solana");
        assertThat(chain.path("detail").asText())
                .contains("fee payer " + h.app.issuer().address() + " has 0 lamports");
        assertThat(chain.path("endpoints")).hasSize(2);
        assertThat(chain.path("endpoints").get(1).path("endpoint").asText())
                .isEqualTo("1:http://127.0.0.1:" + runtime.url(1).getPort());

        runtime.airdrop(h.app.issuer().address(), 10_000_000_000L);
        JsonNode healthy = ApiHarness.json(h.get("/health"));
        assertThat(healthy.path("components").path("chain").path("status").asText())
                .isEqualTo("up");
        assertThat(healthy.path("components")
                        .path("chain")
                        .path("endpoints")
                        .get(0)
                        .path("status")
                        .asText())
                .isEqualTo("up");

        HttpResponse<String> r = h.upload(new Multipart()
                .field("issuer_id", "uni-sci")
                .field("recipient_id", "alice")
                .file("file", "diploma.pdf", "a diploma".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String hash = ApiHarness.json(r).path("hash").asText();

        assertThat(ManualRelay.submitPass(h.app.relay())).isEqualTo(1);
        runtime.advance(2);
        h.clock.advance(Duration.ofSeconds(2));
        assertThat(ManualRelay.confirmPass(h.app.relay())).isEqualTo(1);
        JsonNode confirmed = ApiHarness.json(h.get("/v1/credentials/" + hash));
        assertThat(confirmed.path("status").asText()).isEqualTo("confirmed");
        assertThat(runtime.memoCount(CredentialHash.memo(hash))).isEqualTo(1);

        // Verification reads the transaction back from the chain: signer and memo.
        JsonNode verdict = ApiHarness.json(h.get("/v1/verify/" + hash));
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isTrue();
        assertThat(verdict.path("on_chain").asBoolean()).isTrue();

        // A memo on chain the database never recorded is recovered by reconciliation.
        String lostHash = CredentialHash.sha256Hex("lost credential".getBytes(StandardCharsets.UTF_8));
        ChainClient client = h.app.services().chain();
        SignedTransaction lost =
                client.buildMemoTransaction(h.app.issuer(), CredentialHash.memo(lostHash), client.latestBlockhash());
        client.submit(lost);
        runtime.advance(2);
        HttpResponse<String> run = h.postEmpty("/v1/reconciliations");
        assertThat(run.statusCode()).as(run.body()).isEqualTo(201);
        JsonNode result = ApiHarness.json(run);
        assertThat(result.path("recovered").asInt()).isEqualTo(1);
        assertThat(result.path("matched").asInt()).isEqualTo(1);
        assertThat(ApiHarness.json(h.get("/v1/credentials/" + lostHash))
                        .path("chain_signature")
                        .asText())
                .isEqualTo(lost.signature());
    }
}
