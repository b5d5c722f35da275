package dev.chainsync.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The Standard Webhooks v1 signature: HMAC-SHA256 over {@code id.timestamp.body}, one per active secret. */
final class WebhookSignature {
    private WebhookSignature() {}

    /** The {@code webhook-signature} header value: {@code v1,<base64>} per secret, space-separated. */
    static String header(List<byte[]> secrets, String msgId, long timestamp, String body) {
        byte[] content = (msgId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8);
        StringJoiner out = new StringJoiner(" ");
        for (byte[] secret : secrets) {
            out.add("v1," + Base64.getEncoder().encodeToString(hmac(secret, content)));
        }
        return out.toString();
    }

    private static byte[] hmac(byte[] secret, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
