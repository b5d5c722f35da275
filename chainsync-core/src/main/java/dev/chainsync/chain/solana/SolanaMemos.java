package dev.chainsync.chain.solana;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.chain.Base58;
import dev.chainsync.chain.ChainRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Memos as Solana's RPC shows them: in getSignaturesForAddress's memo field, and in a transaction's instructions. */
final class SolanaMemos {
    private static final String MEMO_V1_PROGRAM = "Memo1UhkJRfHyvLMcVn5Yb7KgBT4UsmNnPoEjfJQTFaE";

    private SolanaMemos() {}

    /**
     * Splits getSignaturesForAddress's memo field, {@code [len] memo; [len] memo} with each length in
     * UTF-8 bytes, into the memos. The lengths make it unambiguous even when a memo contains "; ".
     * A field that does not follow the format is taken as one memo.
     */
    static List<String> parseField(String field) {
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        List<String> memos = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            if (!memos.isEmpty()) {
                if (!startsWith(bytes, at, "; ")) {
                    return List.of(field);
                }
                at += 2;
            }
            if (bytes[at] != '[') {
                return List.of(field);
            }
            int close = indexOf(bytes, at, (byte) ']');
            if (close < 0 || close + 1 >= bytes.length || bytes[close + 1] != ' ') {
                return List.of(field);
            }
            int length;
            try {
                length = Integer.parseInt(new String(bytes, at + 1, close - at - 1, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return List.of(field);
            }
            int start = close + 2;
            if (length < 0 || start + length > bytes.length) {
                return List.of(field);
            }
            memos.add(new String(bytes, start, length, StandardCharsets.UTF_8));
            at = start + length;
        }
        return memos;
    }

    /**
     * A getTransaction result ({@code json} encoding) as a chain record: its memos in instruction
     * order and its signer, the account the memo instructions name (the Memo program checked it
     * signed) or else the fee payer.
     */
    static ChainRecord record(String signature, JsonNode tx) {
        JsonNode message = tx.path("transaction").path("message");
        List<String> keys = new ArrayList<>();
        message.path("accountKeys")
                .forEach(k ->
                        keys.add(k.isTextual() ? k.asText() : k.path("pubkey").asText()));
        List<String> memos = new ArrayList<>();
        String memoSigner = null;
        for (JsonNode ix : message.path("instructions")) {
            int program = ix.path("programIdIndex").asInt(-1);
            String programId = program >= 0 && program < keys.size() ? keys.get(program) : "";
            if (!programId.equals(SolanaWire.MEMO_PROGRAM) && !programId.equals(MEMO_V1_PROGRAM)) {
                continue;
            }
            memos.add(new String(Base58.decode(ix.path("data").asText()), StandardCharsets.UTF_8));
            JsonNode accounts = ix.path("accounts");
            if (memoSigner == null && accounts.size() > 0 && accounts.get(0).asInt() < keys.size()) {
                memoSigner = keys.get(accounts.get(0).asInt());
            }
        }
        String signer = memoSigner != null ? memoSigner : keys.isEmpty() ? "" : keys.getFirst();
        JsonNode meta = tx.path("meta");
        return new ChainRecord(
                signature,
                signer,
                tx.path("slot").asLong(),
                tx.hasNonNull("blockTime")
                        ? Instant.ofEpochSecond(tx.path("blockTime").asLong())
                        : null,
                memos,
                SolanaChainClient.errorText(meta.get("err")));
    }

    private static boolean startsWith(byte[] bytes, int at, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        return at + p.length <= bytes.length && Arrays.equals(bytes, at, at + p.length, p, 0, p.length);
    }

    private static int indexOf(byte[] bytes, int from, byte b) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
