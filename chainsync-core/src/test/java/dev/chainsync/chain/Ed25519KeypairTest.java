package dev.chainsync.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ed25519KeypairTest {
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    /** RFC 8032 section 7.1, TEST 1. */
    @Test
    void rfc8032Test1() {
        var keypair = Ed25519Keypair.fromSeed(
                HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        byte[] expectedPublic = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] expectedSignature = HEX.parseHex(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

        assertThat(keypair.publicKey()).isEqualTo(expectedPublic);
        assertThat(keypair.address()).isEqualTo(Base58.encode(expectedPublic));
        assertThat(keypair.sign(new byte[0])).isEqualTo(expectedSignature);
        assertThat(Ed25519Keypair.verify(expectedPublic, new byte[0], expectedSignature))
                .isTrue();
        assertThat(Ed25519Keypair.verify(expectedPublic, new byte[] {0}, expectedSignature))
                .isFalse();
    }

    /** RFC 8032 TEST SHA(abc): its public key has the x-odd bit set, exercising the point encoding. */
    @Test
    void rfc8032ShaAbcWithOddX() throws Exception {
        var keypair = Ed25519Keypair.fromSeed(
                HEX.parseHex("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42"));
        byte[] expectedPublic = HEX.parseHex("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf");
        byte[] message = MessageDigest.getInstance("SHA-512").digest("abc".getBytes(StandardCharsets.US_ASCII));
        byte[] expectedSignature = HEX.parseHex(
                "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704");

        assertThat(expectedPublic[31] & 0x80).isNotZero();
        assertThat(keypair.publicKey()).isEqualTo(expectedPublic);
        assertThat(keypair.sign(message)).isEqualTo(expectedSignature);
        assertThat(Ed25519Keypair.verify(expectedPublic, message, expectedSignature))
                .isTrue();
    }

    @Test
    void interoperatesWithTheJdkEd25519BothWays() throws Exception {
        // The JDK's own Ed25519 is an independent oracle for BouncyCastle's.
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        byte[] message = {1, 2, 3};
        for (int i = 0; i < 20; i++) {
            var pair = generator.generateKeyPair();
            byte[] x509 = pair.getPublic().getEncoded();
            byte[] raw = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(pair.getPrivate());
            signer.update(message);
            assertThat(Ed25519Keypair.verify(raw, message, signer.sign())).isTrue();

            Ed25519Keypair ours = Ed25519Keypair.generate(new SecureRandom());
            byte[] spki = HexFormat.of()
                    .parseHex("302a300506032b6570032100" + HexFormat.of().formatHex(ours.publicKey()));
            var jdkPublic = java.security.KeyFactory.getInstance("Ed25519")
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(jdkPublic);
            verifier.update(message);
            assertThat(verifier.verify(ours.sign(message))).isTrue();
        }
    }

    @Test
    void verifyNeverThrowsOnBadInput() {
        var keypair = Ed25519Keypair.generate(new SecureRandom());
        byte[] message = "m".getBytes(StandardCharsets.UTF_8);
        byte[] signature = keypair.sign(message);
        byte[] publicKey = keypair.publicKey();

        assertThat(Ed25519Keypair.verify(publicKey, message, signature)).isTrue();
        assertThat(Ed25519Keypair.verify(null, message, signature)).isFalse();
        assertThat(Ed25519Keypair.verify(publicKey, null, signature)).isFalse();
        assertThat(Ed25519Keypair.verify(publicKey, message, null)).isFalse();
        assertThat(Ed25519Keypair.verify(new byte[31], message, signature)).isFalse();
        assertThat(Ed25519Keypair.verify(publicKey, message, Arrays.copyOf(signature, 63)))
                .isFalse();
        byte[] allOnes = new byte[32];
        Arrays.fill(allOnes, (byte) 0xFF);
        assertThat(Ed25519Keypair.verify(allOnes, message, signature)).isFalse();
        byte[] tampered = signature.clone();
        tampered[10] ^= 1;
        assertThat(Ed25519Keypair.verify(publicKey, message, tampered)).isFalse();
        byte[] otherKey = Ed25519Keypair.generate(new SecureRandom()).publicKey();
        assertThat(Ed25519Keypair.verify(otherKey, message, signature)).isFalse();
    }

    @Test
    void saveAndLoadRoundTripInSolanaFormat() throws IOException {
        var keypair = Ed25519Keypair.generate(new SecureRandom());
        Path file = dir.resolve("nested/deeper/id.json");

        keypair.save(file);
        var loaded = Ed25519Keypair.load(file);

        assertThat(loaded.address()).isEqualTo(keypair.address());
        assertThat(loaded.sign(new byte[] {42})).isEqualTo(keypair.sign(new byte[] {42}));
        String json = Files.readString(file);
        assertThat(json).startsWith("[").endsWith("]");
        int[] values = Arrays.stream(json.substring(1, json.length() - 1).split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        assertThat(values).hasSize(64);
        assertThat(Arrays.stream(values).allMatch(v -> v >= 0 && v <= 255)).isTrue();
        byte[] publicHalf = new byte[32];
        for (int i = 0; i < 32; i++) {
            publicHalf[i] = (byte) values[32 + i];
        }
        assertThat(publicHalf).isEqualTo(keypair.publicKey());
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
        try (var siblings = Files.list(file.getParent())) {
            assertThat(siblings).as("no temp file left behind").containsExactly(file);
        }
    }

    @Test
    void loadOrGenerateCreatesOnceThenLoads() {
        Path file = dir.resolve("keys/issuer.json");

        var first = Ed25519Keypair.loadOrGenerate(file);
        var second = Ed25519Keypair.loadOrGenerate(file);

        assertThat(file).exists();
        assertThat(second.address()).isEqualTo(first.address());
        assertThat(Ed25519Keypair.load(file).address()).isEqualTo(first.address());
    }

    @Test
    void loadsAFileWrittenByOtherTools() throws IOException {
        // Same bytes as RFC 8032 TEST 1, in the layout solana-keygen writes (with whitespace).
        byte[] seed = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] pub = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        Path file = dir.resolve("solana.json");
        Files.writeString(file, " [ " + ints(seed) + ", " + ints(pub) + " ]\n");

        assertThat(Ed25519Keypair.load(file).address()).isEqualTo(Base58.encode(pub));
    }

    @Test
    void rejectsAFileOfTheWrongLength() throws IOException {
        var keypair = Ed25519Keypair.generate(new SecureRandom());
        Path file = dir.resolve("short.json");
        keypair.save(file);
        String json = Files.readString(file);
        Files.writeString(file, json.substring(0, json.lastIndexOf(',')) + "]");

        assertThatThrownBy(() -> Ed25519Keypair.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must hold 64 integers, found 63");
    }

    @Test
    void rejectsAMismatchedPublicHalf() throws IOException {
        var keypair = Ed25519Keypair.generate(new SecureRandom());
        var other = Ed25519Keypair.generate(new SecureRandom());
        Path file = dir.resolve("mismatch.json");
        keypair.save(file);
        String json = Files.readString(file);
        String[] values = json.substring(1, json.length() - 1).split(",");
        String seedHalf = String.join(",", Arrays.copyOfRange(values, 0, 32));
        Files.writeString(file, "[" + seedHalf + "," + ints(other.publicKey()) + "]");

        assertThatThrownBy(() -> Ed25519Keypair.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match the secret seed")
                .hasMessageContaining(other.address())
                .hasMessageContaining(keypair.address());
    }

    @Test
    void rejectsOutOfRangeValuesAndNonJsonWithoutQuotingTheFile() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(
                file,
                "[" + IntStream.range(0, 64).mapToObj(i -> i == 5 ? "256" : "1").collect(Collectors.joining(","))
                        + "]");
        assertThatThrownBy(() -> Ed25519Keypair.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside 0..255 at index 5");

        Files.writeString(file, "{\"secret\": \"s3cr3t-value\"}");
        assertThatThrownBy(() -> Ed25519Keypair.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a JSON array")
                .hasMessageNotContaining("s3cr3t-value")
                .hasNoCause();

        assertThatThrownBy(() -> Ed25519Keypair.load(dir.resolve("missing.json")))
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void toStringShowsOnlyTheAddress() {
        byte[] seed = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        var keypair = Ed25519Keypair.fromSeed(seed);

        assertThat(keypair.toString())
                .contains(keypair.address())
                .doesNotContain(Base58.encode(seed))
                .doesNotContain(HEX.formatHex(seed))
                .doesNotContain(ints(seed));
    }

    @Test
    void rejectsSeedsOfTheWrongLength() {
        assertThatThrownBy(() -> Ed25519Keypair.fromSeed(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }

    private static String ints(byte[] bytes) {
        return IntStream.range(0, bytes.length)
                .mapToObj(i -> Integer.toString(bytes[i] & 0xFF))
                .collect(Collectors.joining(","));
    }
}
