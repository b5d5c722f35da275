package dev.chainsync.ingest;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.KeccakDigest;

/** Keccak-256 (Ethereum's, not SHA3-256) for event topics and counter-triple ids. */
final class Keccak {
    private static final HexFormat HEX = HexFormat.of();
    /** keccak256("COUNTER_SALT"), the MultiVault's salt for counter-triple ids. */
    static final byte[] COUNTER_SALT = hash("COUNTER_SALT".getBytes(StandardCharsets.UTF_8));

    private Keccak() {}

    static byte[] hash(byte[]... parts) {
        KeccakDigest d = new KeccakDigest(256);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    static String hex(byte[] bytes) {
        return "0x" + HEX.formatHex(bytes);
    }

    /** The topic0 of an event signature such as {@code Deposited(address,...)}. */
    static String topic(String signature) {
        return hex(hash(signature.getBytes(StandardCharsets.US_ASCII)));
    }

    /** {@code keccak256(abi.encodePacked(COUNTER_SALT, tripleId))}, as lower-case 0x hex. */
    static String counterTermId(String tripleId) {
        return hex(hash(COUNTER_SALT, HEX.parseHex(Decode.strip0x(tripleId))));
    }
}
