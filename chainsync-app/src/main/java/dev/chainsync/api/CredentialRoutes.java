package dev.chainsync.api;

import dev.chainsync.credential.Credential;
import dev.chainsync.credential.CredentialEvent;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.credential.CredentialService;
import dev.chainsync.credential.CredentialService.IssueRequest;
import dev.chainsync.credential.CredentialStatus;
import dev.chainsync.credential.InvalidRequestException;
import dev.chainsync.json.Json;
import dev.chainsync.outbox.Operation;
import dev.chainsync.outbox.Outbox;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Issue, read, list and verify credentials. */
final class CredentialRoutes {
    private final CredentialService credentials;
    private final Outbox outbox;
    private final long maxUploadBytes;
    private final Idempotent idempotent;

    CredentialRoutes(CredentialService credentials, Outbox outbox, long maxUploadBytes, Idempotent idempotent) {
        this.credentials = credentials;
        this.outbox = outbox;
        this.maxUploadBytes = maxUploadBytes;
        this.idempotent = idempotent;
    }

    void register(Javalin javalin) {
        javalin.post("/v1/credentials", this::issue);
        javalin.get("/v1/credentials", this::list);
        javalin.get("/v1/credentials/{hash}", this::get);
        javalin.get("/v1/verify/{hash}", this::verify);
    }

    private void issue(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxUploadBytes + HttpApi.MULTIPART_OVERHEAD_BYTES) {
            throw ApiProblem.tooLarge(
                    "request body of " + declared + " bytes exceeds the upload limit", maxUploadBytes);
        }
        String contentType = ctx.contentType();
        if (contentType == null
                || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
            throw ApiProblem.badRequest("expected multipart/form-data with fields file, issuer_id, recipient_id", null);
        }
        UploadedFile file;
        String issuerId;
        String recipientId;
        String serial;
        try {
            file = ctx.uploadedFile("file");
            issuerId = ctx.formParam("issuer_id");
            recipientId = ctx.formParam("recipient_id");
            serial = ctx.formParam("serial");
        } catch (IllegalStateException e) {
            // Jetty reports a part or request over the multipart limits this way.
            if (String.valueOf(e.getMessage()).contains("exceeds")) {
                throw ApiProblem.tooLarge(
                        "the uploaded file exceeds the limit of " + maxUploadBytes + " bytes", maxUploadBytes);
            }
            throw ApiProblem.badRequest("malformed multipart body: " + e.getMessage(), null);
        } catch (IllegalArgumentException e) {
            // Jetty refuses a media type it cannot parse as multipart/form-data (it compares case-sensitively).
            throw ApiProblem.badRequest("malformed multipart body: " + e.getMessage(), null);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // Jetty reports an unparseable body (e.g. a missing boundary) as an IOException, thrown unchecked by
            // Javalin.
            throw ApiProblem.badRequest("malformed multipart body: " + e.getMessage(), null);
        }
        if (file == null) {
            throw ApiProblem.badRequest("file is required", "file");
        }
        try {
            CredentialService.validate(issuerId, recipientId, serial);
        } catch (InvalidRequestException e) {
            throw ApiProblem.badRequest(e.getMessage(), e.field());
        }
        if (file.size() > maxUploadBytes) {
            throw ApiProblem.tooLarge(
                    "the uploaded file exceeds the limit of " + maxUploadBytes + " bytes", maxUploadBytes);
        }
        if (file.size() == 0) {
            throw ApiProblem.badRequest("file is empty", "file");
        }
        String digest = sha256(file);
        IssueRequest request = new IssueRequest(digest, file.size(), issuerId, recipientId, serial);
        Map<String, String> fingerprint = new LinkedHashMap<>();
        fingerprint.put("file_sha256", digest);
        fingerprint.put("issuer_id", issuerId);
        fingerprint.put("recipient_id", recipientId);
        fingerprint.put("serial", serial);
        idempotent.respond(ctx, Idempotent.fingerprint(ctx, fingerprint), tx -> {
            Credential cr;
            try {
                cr = credentials.issue(tx, request);
            } catch (InvalidRequestException e) {
                throw ApiProblem.badRequest(e.getMessage(), e.field());
            } catch (CredentialService.DuplicateCredentialException e) {
                throw ApiProblem.conflict(e.getMessage());
            }
            return Idempotent.json(202, view(cr, null, null), "/v1/credentials/" + cr.hash());
        });
    }

    private static String sha256(UploadedFile file) {
        MessageDigest md = CredentialHash.newSha256();
        try (InputStream in = file.content()) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading upload", e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private void get(Context ctx) {
        String hash = hashParam(ctx);
        Credential cr = credentials.find(hash).orElseThrow(() -> ApiProblem.notFound("no credential " + hash));
        List<Operation> ops = outbox.forAggregate(CredentialService.ANCHOR_KIND, hash);
        ctx.json(view(cr, credentials.history(hash), ops.isEmpty() ? null : ops.getLast()));
    }

    private void list(Context ctx) {
        String issuer = ctx.queryParam("issuer_id");
        String recipient = ctx.queryParam("recipient_id");
        String statusParam = ctx.queryParam("status");
        CredentialStatus status = null;
        if (statusParam != null && !statusParam.isBlank()) {
            try {
                status = CredentialStatus.fromDb(statusParam);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("unknown status '" + statusParam + "'", "status");
            }
        }
        int limit = Paging.limit(ctx);
        List<Credential> page =
                credentials.list(blankToNull(issuer), blankToNull(recipient), status, Paging.cursor(ctx), limit + 1);
        ctx.json(Paging.page(page, limit, Credential::id, c -> view(c, null, null)));
    }

    private void verify(Context ctx) {
        ctx.json(credentials.verify(hashParam(ctx)));
    }

    private static String hashParam(Context ctx) {
        String hash = ctx.pathParam("hash").trim().toLowerCase(java.util.Locale.ROOT);
        if (!CredentialHash.HASH_PATTERN.matcher(hash).matches()) {
            throw ApiProblem.badRequest("hash must be 64 hex characters", "hash");
        }
        return hash;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    static Map<String, Object> view(Credential c, List<CredentialEvent> history, Operation op) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hash", c.hash());
        m.put("status", c.status().dbName());
        m.put("issuer_id", c.issuerId());
        m.put("recipient_id", c.recipientId());
        m.put("serial", c.serial());
        m.put("file_sha256", c.fileSha256());
        m.put("file_size", c.fileSize());
        m.put("issued_at", c.issuedAt() == null ? null : CredentialHash.formatIssuedAt(c.issuedAt()));
        m.put("issuer_address", c.issuerAddress());
        m.put("issuer_signature", c.issuerSignature());
        m.put("memo", c.memo());
        m.put("chain_signature", c.chainSignature());
        m.put("chain_slot", c.chainSlot());
        m.put("confirmed_at", c.confirmedAt());
        m.put("created_at", c.createdAt());
        m.put("updated_at", c.updatedAt());
        if (op != null) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", op.id());
            o.put("status", op.status().dbName());
            o.put("failures", op.attemptCount());
            o.put("last_error", op.lastError());
            m.put("operation", o);
        }
        if (history != null) {
            m.put(
                    "history",
                    history.stream()
                            .map(e -> {
                                Map<String, Object> h = new LinkedHashMap<>();
                                h.put("type", e.type());
                                h.put("at", e.occurredAt());
                                h.put("detail", readTree(e.detail()));
                                return h;
                            })
                            .toList());
        }
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", "/v1/credentials/" + c.hash());
        links.put("verify", "/v1/verify/" + c.hash());
        if (op != null) {
            links.put("operation", "/v1/operations/" + op.id());
        }
        m.put("links", links);
        return m;
    }

    private static Object readTree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return json;
        }
    }
}
