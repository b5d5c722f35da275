package dev.chainsync.credential;

import dev.chainsync.chain.Base58;
import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.chain.Signer;
import dev.chainsync.db.Jdbc;
import dev.chainsync.json.Json;
import dev.chainsync.outbox.NewOperation;
import dev.chainsync.outbox.OperationHandler;
import dev.chainsync.outbox.Outbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Issues credentials through the outbox and answers questions about them. Issuing writes the
 * credential (status {@code pending}), its first history entry and the chain operation in one
 * database transaction; the relay does the rest.
 */
public final class CredentialService {
    /** Outbox kind of the operation that anchors a credential's hash on chain. */
    public static final String ANCHOR_KIND = "credential.anchor";
    /** How many of the issuer's newest chain records {@link #verify} scans for a hash the database lacks. */
    static final int VERIFY_CHAIN_SCAN = 1000;

    private final CredentialStore store;
    private final Signer issuer;
    private final ChainClient chain;
    private final Commitment commitment;
    private final int maxAttempts;
    private final Clock clock;

    public CredentialService(
            Jdbc jdbc, Signer issuer, ChainClient chain, Commitment commitment, int maxAttempts, Clock clock) {
        this.store = new CredentialStore(jdbc);
        this.issuer = issuer;
        this.chain = chain;
        this.commitment = commitment;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
    }

    /** The outbox handler that keeps credentials in step with their anchoring operations. */
    public OperationHandler anchorHandler() {
        return new CredentialAnchorHandler(commitment);
    }

    /** The outbox handlers this service contributes, keyed by operation kind. */
    public Map<String, OperationHandler> handlers() {
        return Map.of(ANCHOR_KIND, anchorHandler());
    }

    /** What a caller supplies to issue a credential; the file is given by its digest and size. */
    public record IssueRequest(String fileSha256, long fileSize, String issuerId, String recipientId, String serial) {}

    /** Validates the request's ids; throws {@link InvalidRequestException} naming the first bad field. */
    public static void validate(String issuerId, String recipientId, String serial) {
        requireId("issuer_id", issuerId, true);
        requireId("recipient_id", recipientId, true);
        requireId("serial", serial, false);
    }

    private static void requireId(String field, String value, boolean required) {
        if (value == null || value.isEmpty()) {
            if (required) {
                throw new InvalidRequestException(field, field + " is required");
            }
            return;
        }
        if (!CredentialHash.ID_PATTERN.matcher(value).matches()) {
            throw new InvalidRequestException(field, field + " must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -");
        }
    }

    /** Issues a credential: hash, sign, and commit credential + history + outbox operation together. */
    public Credential issue(IssueRequest request) {
        return store.jdbc().inTransaction(c -> issue(c, request));
    }

    /**
     * Issues inside the caller's transaction {@code tx} (the HTTP layer runs it together with the
     * request's Idempotency-Key record).
     */
    public Credential issue(Connection tx, IssueRequest request) throws SQLException {
        validate(request.issuerId(), request.recipientId(), request.serial());
        if (request.fileSha256() == null
                || !CredentialHash.HASH_PATTERN.matcher(request.fileSha256()).matches()) {
            throw new InvalidRequestException("file", "file digest must be 64 lower-case hex characters");
        }
        String serial = request.serial() == null || request.serial().isEmpty() ? null : request.serial();
        // PostgreSQL keeps microseconds: the returned record must equal what a later read gives.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant issuedAt = CredentialHash.truncate(now);
        String hash = CredentialHash.compute(
                request.fileSha256(), request.issuerId(), request.recipientId(), issuedAt, serial);
        String signature = Base58.encode(issuer.sign(HexFormat.of().parseHex(hash)));
        Credential credential = new Credential(
                0,
                hash,
                request.issuerId(),
                request.recipientId(),
                serial,
                request.fileSha256(),
                request.fileSize(),
                issuedAt,
                issuer.address(),
                signature,
                CredentialHash.memo(hash),
                CredentialStatus.PENDING,
                null,
                null,
                null,
                now,
                now);
        Long id = CredentialStore.insert(tx, credential);
        if (id == null) {
            throw new DuplicateCredentialException(hash);
        }
        long opId = Outbox.enqueue(
                tx, new NewOperation(ANCHOR_KIND, hash, credential.memo(), ANCHOR_KIND + ":" + hash), maxAttempts, now);
        CredentialStore.event(
                tx,
                hash,
                "created",
                Json.object(
                        "operation_id",
                        opId,
                        "issuer_id",
                        request.issuerId(),
                        "recipient_id",
                        request.recipientId(),
                        "file_sha256",
                        request.fileSha256()),
                now);
        return credential.withId(id);
    }

    /** Thrown when a credential with the same hash already exists. */
    public static final class DuplicateCredentialException extends RuntimeException {
        public DuplicateCredentialException(String hash) {
            super("credential " + hash + " already exists");
        }
    }

    public Optional<Credential> find(String hash) {
        return store.find(hash);
    }

    public List<CredentialEvent> history(String hash) {
        return store.history(hash);
    }

    /** A page of credentials, newest first, filtered; {@code beforeId} is the keyset cursor. */
    public List<Credential> list(
            String issuerId, String recipientId, CredentialStatus status, Long beforeId, int limit) {
        return store.list(issuerId, recipientId, status, beforeId, limit);
    }

    /** The outcome of checking one hash against both the database and the chain. */
    public record Verification(
            String hash,
            boolean valid,
            boolean inDatabase,
            String databaseStatus,
            Boolean issuerSignatureValid,
            boolean onChain,
            String chainSignature,
            Long chainSlot,
            String chainCommitment,
            Boolean memoMatches,
            List<String> problems) {}

    /**
     * Checks a hash on both sides. Valid only when the database has it, its issuer signature
     * verifies, and the chain holds a successful transaction with exactly the expected memo.
     */
    public Verification verify(String hash) {
        if (hash == null || !CredentialHash.HASH_PATTERN.matcher(hash).matches()) {
            return new Verification(
                    hash,
                    false,
                    false,
                    null,
                    null,
                    false,
                    null,
                    null,
                    null,
                    null,
                    List.of("not a credential hash: expected 64 lower-case hex characters"));
        }
        List<String> problems = new ArrayList<>();
        Optional<Credential> found = store.find(hash);
        String expectedMemo = CredentialHash.memo(hash);
        if (found.isEmpty()) {
            return verifyMissingFromDatabase(hash, expectedMemo, problems);
        }
        return verifyStored(found.get(), hash, expectedMemo, problems);
    }

    /** The database lacks {@code hash}: is its memo among the issuer's newest chain records? */
    private Verification verifyMissingFromDatabase(String hash, String expectedMemo, List<String> problems) {
        problems.add("database: no credential with this hash");
        ChainRecord onChain = null;
        try {
            onChain = chain.recordsByAddress(issuer.address(), null, VERIFY_CHAIN_SCAN).stream()
                    // The history may list others' transactions naming the issuer (Solana's does).
                    .filter(r -> r.carries(expectedMemo)
                            && r.error() == null
                            && r.signer().equals(issuer.address()))
                    .findFirst()
                    .orElse(null);
        } catch (ChainException e) {
            problems.add("chain: could not be checked: " + e.getMessage());
        }
        if (onChain != null) {
            problems.add("chain: memo found in transaction " + onChain.signature() + " but the database lacks it");
            return new Verification(
                    hash, false, false, null, null, true, onChain.signature(), onChain.slot(), null, true, problems);
        }
        return new Verification(hash, false, false, null, null, false, null, null, null, null, problems);
    }

    /** The database has the credential: checks its own fields, then looks its transaction up on chain. */
    private Verification verifyStored(Credential cr, String hash, String expectedMemo, List<String> problems) {
        if (!expectedMemo.equals(cr.memo())) {
            problems.add("database: memo '" + cr.memo() + "' is not this hash's memo '" + expectedMemo + "'");
        }
        Boolean signatureValid = issuerSignatureValid(cr, hash, problems);
        if (cr.chainSignature() == null) {
            problems.add("chain: not written yet (status " + cr.status().dbName() + ")");
            return new Verification(
                    hash, false, true, cr.status().dbName(), signatureValid, false, null, null, null, null, problems);
        }
        Optional<ChainRecord> record;
        SignatureStatus status;
        try {
            record = chain.transaction(cr.chainSignature());
            status = chain.signatureStatuses(List.of(cr.chainSignature())).get(cr.chainSignature());
        } catch (ChainException e) {
            problems.add("chain: could not be checked: " + e.getMessage());
            return notFoundOnChain(cr, signatureValid, problems);
        }
        if (record.isEmpty()) {
            problems.add("chain: transaction " + cr.chainSignature() + " recorded in the database is not on chain");
            return notFoundOnChain(cr, signatureValid, problems);
        }
        return compareWithChain(cr, record.get(), status, signatureValid, expectedMemo, problems);
    }

    /** Null when the credential has no issuer signature; otherwise whether it verifies (a problem if not). */
    private static Boolean issuerSignatureValid(Credential cr, String hash, List<String> problems) {
        if (cr.issuerSignature() == null) {
            return null;
        }
        boolean valid = Ed25519Keypair.verify(
                Base58.decode(cr.issuerAddress()), HexFormat.of().parseHex(hash), Base58.decode(cr.issuerSignature()));
        if (!valid) {
            problems.add("database: issuer signature does not verify against " + cr.issuerAddress());
        }
        return valid;
    }

    /** The stored credential's transaction could not be read from the chain, or is not there. */
    private static Verification notFoundOnChain(Credential cr, Boolean signatureValid, List<String> problems) {
        return new Verification(
                cr.hash(),
                false,
                true,
                cr.status().dbName(),
                signatureValid,
                false,
                cr.chainSignature(),
                cr.chainSlot(),
                null,
                null,
                problems);
    }

    /** The stored credential against the chain transaction it names. */
    private Verification compareWithChain(
            Credential cr,
            ChainRecord r,
            SignatureStatus status,
            Boolean signatureValid,
            String expectedMemo,
            List<String> problems) {
        // Anyone can write any memo: the transaction must be signed by this service's issuer, the
        // address the stored record names too.
        if (!r.signer().equals(issuer.address())) {
            problems.add("chain: transaction " + r.signature() + " was signed by " + r.signer() + ", not the issuer "
                    + issuer.address());
        }
        if (!cr.issuerAddress().equals(issuer.address())) {
            problems.add("database: issuer address " + cr.issuerAddress() + " is not this service's issuer "
                    + issuer.address());
        }
        // A packed transaction carries other credentials' memos too; this one's must be among them.
        boolean memoMatches = r.carries(expectedMemo);
        if (!memoMatches) {
            problems.add("chain: memo differs: expected '" + expectedMemo + "', found " + r.memos());
        }
        if (r.error() != null) {
            problems.add("chain: transaction failed: " + r.error());
        }
        if (!cr.status().onChain()) {
            problems.add("database: status is " + cr.status().dbName() + " although the memo is on chain");
        }
        boolean valid = problems.isEmpty();
        // on_chain means what the API document says: a successful transaction of the issuer carries this memo.
        boolean onChain = r.error() == null && memoMatches && r.signer().equals(issuer.address());
        return new Verification(
                cr.hash(),
                valid,
                true,
                cr.status().dbName(),
                signatureValid,
                onChain,
                r.signature(),
                r.slot(),
                status == null ? null : status.commitment().wireName(),
                memoMatches,
                problems);
    }

    /**
     * Records a credential found on chain but missing from the database, with status
     * {@code recovered_from_chain} and a history entry, in the caller's transaction {@code tx} (the
     * reconciler records its finding with the recovery or not at all). Returns false when it
     * already existed.
     */
    public boolean recoverFromChain(Connection tx, ChainRecord record, String hash, long reconciliationRunId)
            throws SQLException {
        Instant now = clock.instant();
        Credential cr = new Credential(
                0,
                hash,
                null,
                null,
                null,
                null,
                null,
                null,
                issuer.address(),
                null,
                CredentialHash.memo(hash),
                CredentialStatus.RECOVERED_FROM_CHAIN,
                record.signature(),
                record.slot(),
                record.blockTime(),
                now,
                now);
        if (CredentialStore.insert(tx, cr) == null) {
            return false;
        }
        CredentialStore.event(
                tx,
                hash,
                "recovered",
                Json.object(
                        "signature",
                        record.signature(),
                        "slot",
                        record.slot(),
                        "block_time",
                        record.blockTime() == null ? null : record.blockTime().toString(),
                        "reconciliation_run",
                        reconciliationRunId),
                clock.instant());
        return true;
    }

    /**
     * Adds a {@code flagged} history entry in {@code tx}: reconciliation found a disagreement it will
     * not repair itself.
     */
    public void flag(Connection tx, String hash, String reason, long reconciliationRunId) throws SQLException {
        CredentialStore.event(
                tx,
                hash,
                "flagged",
                Json.object("reason", reason, "reconciliation_run", reconciliationRunId),
                clock.instant());
    }

    /** Credentials the database says are on chain, confirmed inside {@code [from, to)}. */
    public List<Credential> confirmedBetween(Instant from, Instant to) {
        return store.confirmedBetween(from, to);
    }

    /** The status of each of {@code hashes} that exists. */
    public Map<String, CredentialStatus> statusesOf(Collection<String> hashes) {
        Map<String, CredentialStatus> out = new HashMap<>();
        if (hashes.isEmpty()) {
            return out;
        }
        store.jdbc()
                .withConnection(c -> Jdbc.query(
                        c,
                        "SELECT hash, status FROM credentials WHERE hash = ANY (?)",
                        r -> out.put(r.getString(1), CredentialStatus.fromDb(r.getString(2))),
                        c.createArrayOf("text", hashes.toArray())));
        return out;
    }

    /** The issuer address whose chain history reconciliation reads. */
    public String issuerAddress() {
        return issuer.address();
    }
}
