package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.api.ApiHarness.Multipart;
import dev.chainsync.chain.Base58;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.outbox.ManualRelay;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A credential over HTTP from upload to confirmed, and verification of both sides, including tampering. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CredentialLifecycleTest {
    @TempDir
    static Path dataDir;

    ApiHarness h;
    int files;

    @BeforeAll
    void start() {
        h = ApiHarness.start("lifecycle", dataDir);
    }

    @AfterAll
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private byte[] newFile() {
        return ("diploma #" + (++files) + " of the faculty of science").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> historyTypes(JsonNode credential) {
        List<String> types = new ArrayList<>();
        credential.path("history").forEach(e -> types.add(e.path("type").asText()));
        return types;
    }

    @Test
    void issuedCredentialIsPendingThenSubmittedThenConfirmedAndVerifies() {
        byte[] file = newFile();
        Instant issuedAround = h.clock.instant();

        HttpResponse<String> r = h.upload(new Multipart()
                .field("issuer_id", "uni-sci")
                .field("recipient_id", "alice")
                .field("serial", "BSC-2026-0042")
                .file("file", "diploma.pdf", file));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode issued = ApiHarness.json(r);
        String hash = issued.path("hash").asText();
        assertThat(r.headers().firstValue("Location")).contains("/v1/credentials/" + hash);
        assertThat(issued.path("status").asText()).isEqualTo("pending");
        assertThat(issued.path("links").path("self").asText()).isEqualTo("/v1/credentials/" + hash);
        assertThat(issued.path("links").path("verify").asText()).isEqualTo("/v1/verify/" + hash);

        // Anyone can recompute the hash from the file and the response's fields.
        String fileSha = CredentialHash.sha256Hex(file);
        assertThat(issued.path("file_sha256").asText()).isEqualTo(fileSha);
        assertThat(issued.path("file_size").asLong()).isEqualTo(file.length);
        Instant issuedAt = Instant.parse(issued.path("issued_at").asText());
        assertThat(issuedAt).isEqualTo(issuedAround);
        assertThat(hash)
                .isEqualTo(CredentialHash.compute(
                        fileSha,
                        issued.path("issuer_id").asText(),
                        issued.path("recipient_id").asText(),
                        issuedAt,
                        issued.path("serial").asText()));
        assertThat(hash).isNotEqualTo(CredentialHash.compute(fileSha, "uni-sci", "alice", issuedAt, "BSC-2026-0043"));
        assertThat(issued.path("memo").asText()).isEqualTo("chainsync:credential:v1:" + hash);
        // The issuer signature is over the hash's 32 bytes, by the issuer address's key.
        assertThat(Ed25519Keypair.verify(
                        Base58.decode(issued.path("issuer_address").asText()),
                        HexFormat.of().parseHex(hash),
                        Base58.decode(issued.path("issuer_signature").asText())))
                .isTrue();

        JsonNode pending = ApiHarness.json(h.get("/v1/credentials/" + hash));
        assertThat(pending.path("status").asText()).isEqualTo("pending");
        assertThat(historyTypes(pending)).containsExactly("created");
        assertThat(pending.path("operation").path("status").asText()).isEqualTo("pending");
        assertThat(pending.has("chain_signature")).isFalse();
        JsonNode notYet = ApiHarness.json(h.get("/v1/verify/" + hash));
        assertThat(notYet.path("valid").asBoolean()).isFalse();
        assertThat(notYet.path("in_database").asBoolean()).isTrue();
        assertThat(notYet.path("problems").get(0).asText()).startsWith("chain:");

        assertThat(ManualRelay.submitPass(h.app.relay())).isEqualTo(1);
        JsonNode submitted = ApiHarness.json(h.get("/v1/credentials/" + hash));
        assertThat(submitted.path("status").asText()).isEqualTo("submitted");
        assertThat(historyTypes(submitted)).containsExactly("created", "submitted");

        h.clock.advance(Duration.ofSeconds(2));
        assertThat(ManualRelay.confirmPass(h.app.relay())).isEqualTo(1);

        JsonNode confirmed = ApiHarness.json(h.get("/v1/credentials/" + hash));
        assertThat(confirmed.path("status").asText()).isEqualTo("confirmed");
        assertThat(historyTypes(confirmed)).containsExactly("created", "submitted", "confirmed");
        String chainSignature = confirmed.path("chain_signature").asText();
        assertThat(chainSignature).isNotBlank();
        assertThat(confirmed.path("chain_slot").isIntegralNumber()).isTrue();
        assertThat(confirmed.path("confirmed_at").asText())
                .isEqualTo(h.clock.instant().toString());
        assertThat(confirmed.path("operation").path("status").asText()).isEqualTo("confirmed");
        long operationId = confirmed.path("operation").path("id").asLong();
        assertThat(confirmed.path("links").path("operation").asText()).isEqualTo("/v1/operations/" + operationId);
        JsonNode confirmedEvent = confirmed.path("history").get(2).path("detail");
        assertThat(confirmedEvent.path("signature").asText()).isEqualTo(chainSignature);

        // The chain holds exactly one successful transaction with the memo, at the recorded slot.
        assertThat(h.app.devnet().countMemo(CredentialHash.memo(hash))).isEqualTo(1);
        ChainRecord onChain = h.app.devnet().transaction(chainSignature).orElseThrow();
        assertThat(onChain.memos()).containsExactly(CredentialHash.memo(hash));
        assertThat(onChain.slot()).isEqualTo(confirmed.path("chain_slot").asLong());

        JsonNode verdict = ApiHarness.json(h.get("/v1/verify/" + hash));
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isTrue();
        assertThat(verdict.path("problems")).isEmpty();
        assertThat(verdict.path("in_database").asBoolean()).isTrue();
        assertThat(verdict.path("on_chain").asBoolean()).isTrue();
        assertThat(verdict.path("memo_matches").asBoolean()).isTrue();
        assertThat(verdict.path("issuer_signature_valid").asBoolean()).isTrue();
        assertThat(verdict.path("chain_signature").asText()).isEqualTo(chainSignature);
        assertThat(verdict.path("database_status").asText()).isEqualTo("confirmed");

        // Hashes are hex: upper case finds the same credential.
        String upper = hash.toUpperCase(Locale.ROOT);
        assertThat(ApiHarness.json(h.get("/v1/verify/" + upper)).path("valid").asBoolean())
                .isTrue();
        assertThat(ApiHarness.json(h.get("/v1/credentials/" + upper))
                        .path("hash")
                        .asText())
                .isEqualTo(hash);
    }

    @Test
    void unknownAndMalformedHashes() {
        String unknown = CredentialHash.sha256Hex("never issued".getBytes(StandardCharsets.UTF_8));

        JsonNode verdict = ApiHarness.json(h.get("/v1/verify/" + unknown));
        assertThat(verdict.path("valid").asBoolean()).isFalse();
        assertThat(verdict.path("in_database").asBoolean()).isFalse();
        assertThat(verdict.path("on_chain").asBoolean()).isFalse();
        assertThat(verdict.path("problems").get(0).asText()).startsWith("database:");

        JsonNode malformed = ApiHarness.json(h.get("/v1/verify/not-a-hash"));
        assertThat(malformed.path("valid").asBoolean()).isFalse();

        HttpResponse<String> missing = h.get("/v1/credentials/" + unknown);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(ApiHarness.contentType(missing)).startsWith(HttpApi.PROBLEM_JSON);
        assertThat(ApiHarness.json(missing).path("detail").asText()).contains(unknown);

        HttpResponse<String> bad = h.get("/v1/credentials/xyz");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(ApiHarness.json(bad).path("field").asText()).isEqualTo("hash");
    }

    /** Issues and confirms a credential; returns its JSON. */
    private JsonNode confirmedCredential() {
        JsonNode issued = h.issue("uni-sci", "bob", null, newFile());
        h.submitAndConfirm();
        JsonNode c =
                ApiHarness.json(h.get("/v1/credentials/" + issued.path("hash").asText()));
        assertThat(c.path("status").asText()).isEqualTo("confirmed");
        assertThat(ApiHarness.json(h.get("/v1/verify/" + c.path("hash").asText()))
                        .path("valid")
                        .asBoolean())
                .isTrue();
        return c;
    }

    private JsonNode verifyAfter(String hash, String sql) {
        assertThat(h.update(sql)).isEqualTo(1);
        JsonNode verdict = ApiHarness.json(h.get("/v1/verify/" + hash));
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isFalse();
        return verdict;
    }

    @Test
    void forgedIssuerSignatureInTheDatabaseIsReported() {
        JsonNode victim = confirmedCredential();
        JsonNode other = confirmedCredential();
        String hash = victim.path("hash").asText();

        JsonNode verdict = verifyAfter(
                hash,
                "UPDATE credentials SET issuer_signature = '"
                        + other.path("issuer_signature").asText() + "' WHERE hash = '" + hash + "'");

        assertThat(verdict.path("issuer_signature_valid").asBoolean()).isFalse();
        assertThat(verdict.path("on_chain").asBoolean()).isTrue();
        assertThat(verdict.path("problems")).hasSize(1);
        assertThat(verdict.path("problems").get(0).asText())
                .startsWith("database:")
                .contains("issuer signature");
    }

    @Test
    void chainSignatureThatTheChainDoesNotKnowIsReported() {
        JsonNode victim = confirmedCredential();
        String hash = victim.path("hash").asText();
        String bogus = Base58.encode(new byte[64]);

        JsonNode verdict = verifyAfter(
                hash, "UPDATE credentials SET chain_signature = '" + bogus + "' WHERE hash = '" + hash + "'");

        assertThat(verdict.path("on_chain").asBoolean()).isFalse();
        assertThat(verdict.path("problems").get(0).asText())
                .startsWith("chain:")
                .contains(bogus)
                .contains("not on chain");
    }

    @Test
    void chainSignaturePointingAtAnotherCredentialsMemoIsReported() {
        JsonNode victim = confirmedCredential();
        JsonNode other = confirmedCredential();
        String hash = victim.path("hash").asText();

        JsonNode verdict = verifyAfter(
                hash,
                "UPDATE credentials SET chain_signature = '"
                        + other.path("chain_signature").asText() + "' WHERE hash = '" + hash + "'");

        assertThat(verdict.path("memo_matches").asBoolean()).isFalse();
        assertThat(verdict.path("problems").get(0).asText())
                .startsWith("chain: memo differs")
                .contains(other.path("hash").asText());
    }

    @Test
    void databaseStatusBehindTheChainIsReported() {
        JsonNode victim = confirmedCredential();
        String hash = victim.path("hash").asText();

        JsonNode verdict = verifyAfter(hash, "UPDATE credentials SET status = 'failed' WHERE hash = '" + hash + "'");

        assertThat(verdict.path("on_chain").asBoolean()).isTrue();
        assertThat(verdict.path("database_status").asText()).isEqualTo("failed");
        assertThat(verdict.path("problems").get(0).asText())
                .startsWith("database:")
                .contains("failed");
    }

    @Test
    void historyIsAppendOnly() {
        JsonNode c = confirmedCredential();
        String hash = c.path("hash").asText();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.update(
                        "UPDATE credential_events SET event_type = 'failed' WHERE credential_hash = '" + hash + "'"))
                .rootCause()
                .hasMessageContaining("credential_events is append-only");
        assertThat(historyTypes(ApiHarness.json(h.get("/v1/credentials/" + hash))))
                .containsExactly("created", "submitted", "confirmed");
    }
}
