package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.chain.Base58;
import dev.chainsync.chain.Ed25519Keypair;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
/** Verify checks who wrote the chain transaction; inputs the routes cannot use are 400s, never silently dropped. */
class VerifyAndInputEdgesTest {
    @TempDir
    static Path dataDir;

    ApiHarness h;
    int files;

    @BeforeAll
    void start() {
        h = ApiHarness.start("verifyedges", dataDir);
    }

    @AfterAll
    void stop() {
        if (h != null) h.close();
    }

    private byte[] newFile() {
        return ("audit file " + (++files)).getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode confirmed() {
        JsonNode issued = h.issue("uni-sci", "bob", null, newFile());
        h.submitAndConfirm();
        return ApiHarness.json(h.get("/v1/credentials/" + issued.path("hash").asText()));
    }

    /** A query parameter that is not valid percent-encoding is refused, not read as absent (which dropped the filter). */
    @Test
    void badPercentEncodingInAQueryIsA400NotAnUnfilteredList() {
        for (String q : List.of(
                "/v1/credentials?issuer_id=%zz",
                "/v1/credentials?cursor=%zz", "/v1/operations?status=%zz", "/v1/operations?limit=%")) {
            String answer = rawGet(q);
            assertThat(answer).as(q).startsWith("HTTP/1.1 400 ").contains("percent-encoding");
        }
        assertThat(rawGet("/v1/credentials?issuer_id=uni%2Dsci")).startsWith("HTTP/1.1 200 ");
    }

    private String rawGet(String pathAndQuery) {
        try (java.net.Socket s = new java.net.Socket("localhost", h.base.getPort())) {
            s.getOutputStream()
                    .write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                                    + ApiHarness.ADMIN_KEY + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String resp = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return resp.lines().findFirst().orElse("") + " | " + resp.substring(resp.indexOf("\r\n\r\n") + 4);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Fault values that would overflow an instant or stall every chain call for ever are 400s. */
    @Test
    void outOfRangeDevnetFaultsAreRefusedAndChangeNothing() {
        for (String body : List.of(
                "{\"outage_seconds\":9223372036854775807}",
                "{\"latency_ms\":9000000000000000000}",
                "{\"outage_seconds\":-1}")) {
            HttpResponse<String> r = h.putJson("/v1/devnet/faults", body);
            assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }
        assertThat(h.app.devnet().health().up()).isTrue();
    }

    /** on_chain means what the API document says: a successful transaction with the memo was found. */
    @Test
    void onChainFalseWhenRecordedTransactionLacksTheMemo() {
        JsonNode victim = confirmed();
        JsonNode other = confirmed();
        String hash = victim.path("hash").asText();
        h.update("UPDATE credentials SET chain_signature = '"
                + other.path("chain_signature").asText() + "' WHERE hash = '" + hash + "'");
        JsonNode v = ApiHarness.json(h.get("/v1/verify/" + hash));
        assertThat(v.path("valid").asBoolean()).isFalse();
        assertThat(v.path("memo_matches").asBoolean()).isFalse();
        assertThat(v.path("on_chain").asBoolean()).as(v.toString()).isFalse();
    }

    /** The database names another issuer (with a signature that verifies for it) than the one that wrote the chain transaction. */
    @Test
    void verifyRejectsIssuerAddressThatDidNotWriteTheChainTransaction() {
        JsonNode victim = confirmed();
        String hash = victim.path("hash").asText();
        Ed25519Keypair mallory = Ed25519Keypair.generate(new SecureRandom());
        String sig = Base58.encode(mallory.sign(HexFormat.of().parseHex(hash)));
        h.update("UPDATE credentials SET issuer_address = '" + mallory.address() + "', issuer_signature = '" + sig
                + "' WHERE hash = '" + hash + "'");
        JsonNode v = ApiHarness.json(h.get("/v1/verify/" + hash));
        assertThat(v.path("valid").asBoolean()).as(v.toString()).isFalse();
    }

    /** A memo written on chain by someone else's key, recorded as the credential's transaction. */
    @Test
    void verifyRejectsChainTransactionWrittenByAnotherKey() {
        JsonNode issued = h.issue("uni-sci", "carol", null, newFile());
        String hash = issued.path("hash").asText();
        Ed25519Keypair mallory = Ed25519Keypair.generate(new SecureRandom());
        var devnet = h.app.devnet();
        var tx = devnet.buildMemoTransaction(mallory, issued.path("memo").asText(), devnet.latestBlockhash());
        devnet.submit(tx);
        h.clock.advance(java.time.Duration.ofSeconds(2));
        h.update("UPDATE credentials SET status = 'confirmed', chain_signature = '" + tx.signature()
                + "' WHERE hash = '" + hash + "'");
        JsonNode v = ApiHarness.json(h.get("/v1/verify/" + hash));
        assertThat(v.path("valid").asBoolean()).as(v.toString()).isFalse();
    }
}
