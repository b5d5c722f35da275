package dev.chainsync.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chain.Base58;
import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.outbox.Relay;
import dev.chainsync.testing.ForwardingChainClient;
import dev.chainsync.testing.WritePath;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CredentialServiceTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void hashFollowsTheDocumentedLayoutAndIsSignedByTheIssuer() {
        w = new WritePath("cred-hash");
        Credential c = w.issue("student-7");
        String canonical = "chainsync-credential-v1\nfile-sha256:" + c.fileSha256() + "\nissuer:university-1\n"
                + "recipient:student-7\nissued-at:" + CredentialHash.formatIssuedAt(c.issuedAt()) + "\nserial:\n";
        assertThat(c.hash())
                .isEqualTo(CredentialHash.sha256Hex(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(dev.chainsync.chain.Ed25519Keypair.verify(
                        w.issuer.publicKey(), HexFormat.of().parseHex(c.hash()), Base58.decode(c.issuerSignature())))
                .isTrue();
        assertThat(c.memo()).isEqualTo("chainsync:credential:v1:" + c.hash());
        assertThat(CredentialHash.hashFromMemo(c.memo())).isEqualTo(c.hash());
        assertThat(CredentialHash.hashFromMemo("chainsync:credential:v1:xyz")).isNull();
    }

    @Test
    void credentialAndOutboxRowCommitTogetherOrNotAtAll() {
        w = new WritePath("cred-atomic");
        assertThatThrownBy(() -> w.credentials.issue(
                        new CredentialService.IssueRequest("ab".repeat(32), 1, "uni 1", "student", null)))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(
                        e -> assertThat(((InvalidRequestException) e).field()).isEqualTo("issuer_id"));
        assertThatThrownBy(() ->
                        w.credentials.issue(new CredentialService.IssueRequest("not-hex", 1, "uni", "student", null)))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(w.count("SELECT count(*) FROM credentials")).isZero();
        assertThat(w.count("SELECT count(*) FROM chain_operations")).isZero();

        // Make the outbox insert fail inside the transaction: the credential must not survive it.
        w.jdbc.update("ALTER TABLE chain_operations ADD CONSTRAINT no_rows CHECK (false) NOT VALID");
        assertThatThrownBy(() -> w.issue("student-1")).isInstanceOf(RuntimeException.class);
        assertThat(w.count("SELECT count(*) FROM credentials")).isZero();
        assertThat(w.count("SELECT count(*) FROM credential_events")).isZero();
    }

    @Test
    void historyIsAppendOnly() {
        w = new WritePath("cred-append");
        Credential c = w.issue("student-1");
        assertThatThrownBy(() -> w.jdbc.update("UPDATE credential_events SET event_type = 'confirmed'"))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> w.jdbc.update("DELETE FROM credential_events")).hasMessageContaining("append-only");
        assertThat(w.historyTypes(c.hash())).containsExactly("created");
    }

    @Test
    void verifyChecksBothSidesAndSaysWhichDisagrees() {
        w = new WritePath("cred-verify");
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("student-1");

        CredentialService.Verification pending = w.credentials.verify(c.hash());
        assertThat(pending.valid()).isFalse();
        assertThat(pending.inDatabase()).isTrue();
        assertThat(pending.problems()).anyMatch(p -> p.startsWith("chain: not written yet"));

        w.settle(relay, 3);
        CredentialService.Verification ok = w.credentials.verify(c.hash());
        assertThat(ok.valid()).isTrue();
        assertThat(ok.memoMatches()).isTrue();
        assertThat(ok.issuerSignatureValid()).isTrue();
        assertThat(ok.chainCommitment()).isIn("confirmed", "finalized");
        assertThat(ok.problems()).isEmpty();

        CredentialService.Verification unknown = w.credentials.verify("00".repeat(32));
        assertThat(unknown.valid()).isFalse();
        assertThat(unknown.inDatabase()).isFalse();
        assertThat(unknown.onChain()).isFalse();

        assertThat(w.credentials.verify("not-a-hash").valid()).isFalse();

        // Database says another transaction: the chain's memo for it differs.
        Credential other = w.issue("student-2");
        w.settle(relay, 3);
        String otherSig = w.credentials.find(other.hash()).orElseThrow().chainSignature();
        w.jdbc.update("UPDATE credentials SET chain_signature = ? WHERE hash = ?", otherSig, c.hash());
        CredentialService.Verification differs = w.credentials.verify(c.hash());
        assertThat(differs.valid()).isFalse();
        assertThat(differs.memoMatches()).isFalse();
        assertThat(differs.problems()).anyMatch(p -> p.startsWith("chain: memo differs"));

        // Forged issuer signature in the database.
        String forged = w.credentials.find(other.hash()).orElseThrow().issuerSignature();
        w.jdbc.update("UPDATE credentials SET issuer_signature = ? WHERE hash = ?", forged, c.hash());
        assertThat(w.credentials.verify(c.hash()).issuerSignatureValid()).isFalse();
    }

    @Test
    void verifyFindsAMemoTheDatabaseLacks() {
        w = new WritePath("cred-verify-chain");
        String hash = "ab".repeat(32);
        RecentBlockhash bh = w.devnet.latestBlockhash();
        w.devnet.submit(w.devnet.buildMemoTransaction(w.issuer, CredentialHash.memo(hash), bh));
        w.advanceSlots(2);
        CredentialService.Verification v = w.credentials.verify(hash);
        assertThat(v.valid()).isFalse();
        assertThat(v.inDatabase()).isFalse();
        assertThat(v.onChain()).isTrue();
        assertThat(v.problems()).anyMatch(p -> p.contains("database lacks it"));
    }

    @Test
    void aMemoInATransactionTheIssuerDidNotSignIsNotOnChainForIt() {
        w = new WritePath("cred-verify-foreign");
        String hash = "cd".repeat(32);
        ChainRecord foreign = new ChainRecord(
                "foreign-signature",
                "Stranger1111111111111111111111111111111111",
                7,
                w.clock.instant(),
                CredentialHash.memo(hash),
                null);
        ChainClient naming = new ForwardingChainClient(w.chain) {
            @Override
            public List<ChainRecord> recordsByAddress(String address, String before, int limit) {
                return List.of(foreign);
            }
        };
        CredentialService credentials = new CredentialService(
                w.jdbc, w.issuer, naming, w.relayConfig.commitment(), w.relayConfig.maxAttempts(), w.clock);

        CredentialService.Verification v = credentials.verify(hash);

        assertThat(v.onChain()).isFalse();
        assertThat(v.problems()).noneMatch(p -> p.contains("database lacks it"));
    }
}
