package dev.chainsync.chain;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 key pair stored as a Solana-style keypair file. Signs and verifies with BouncyCastle's
 * Ed25519, about 15 times faster than the JDK's on this hardware (see docs/decisions.md).
 */
public final class Ed25519Keypair implements Signer {
    /** Length of the secret seed, of the public key, and of each half of a keypair file. */
    public static final int KEY_LENGTH = 32;
    /** Length of an Ed25519 signature. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final int FILE_LENGTH = 2 * KEY_LENGTH;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] seed;
    private final byte[] publicKey;
    private final Ed25519PrivateKeyParameters privateKey;
    private final String address;

    private Ed25519Keypair(byte[] seed, byte[] publicKey, Ed25519PrivateKeyParameters privateKey) {
        this.seed = seed;
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.address = Base58.encode(publicKey);
    }

    /** Derives the key pair of a 32-byte secret seed (the first half of a Solana keypair file). */
    public static Ed25519Keypair fromSeed(byte[] seed) {
        if (seed.length != KEY_LENGTH) {
            throw new IllegalArgumentException("Ed25519 seed must be " + KEY_LENGTH + " bytes, got " + seed.length);
        }
        byte[] copy = seed.clone();
        Ed25519PrivateKeyParameters priv = new Ed25519PrivateKeyParameters(copy, 0);
        return new Ed25519Keypair(copy, priv.generatePublicKey().getEncoded(), priv);
    }

    /** A fresh key pair with a seed drawn from {@code random}. */
    public static Ed25519Keypair generate(SecureRandom random) {
        byte[] seed = new byte[KEY_LENGTH];
        random.nextBytes(seed);
        return fromSeed(seed);
    }

    /**
     * Loads a Solana-style keypair file: a JSON array of 64 integers 0..255, the secret seed then
     * the public key.
     *
     * @throws IllegalArgumentException if the file is malformed or its public half does not match the seed
     * @throws UncheckedIOException if it cannot be read
     */
    public static Ed25519Keypair load(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read keypair file " + file, e);
        }
        int[] values;
        try {
            values = JSON.readValue(content, int[].class);
        } catch (IOException e) {
            // The parser message may quote file content, i.e. secret bytes: keep it out.
            throw new IllegalArgumentException(
                    "keypair file " + file + " is not a JSON array of " + FILE_LENGTH + " integers");
        } finally {
            Arrays.fill(content, (byte) 0);
        }
        if (values == null || values.length != FILE_LENGTH) {
            throw new IllegalArgumentException("keypair file " + file + " must hold " + FILE_LENGTH
                    + " integers, found " + (values == null ? 0 : values.length));
        }
        byte[] bytes = new byte[FILE_LENGTH];
        for (int i = 0; i < FILE_LENGTH; i++) {
            if (values[i] < 0 || values[i] > 255) {
                throw new IllegalArgumentException(
                        "keypair file " + file + " has a value outside 0..255 at index " + i);
            }
            bytes[i] = (byte) values[i];
        }
        byte[] seed = Arrays.copyOf(bytes, KEY_LENGTH);
        Arrays.fill(values, 0);
        Arrays.fill(bytes, 0, KEY_LENGTH, (byte) 0);
        Ed25519Keypair keypair = fromSeed(seed);
        Arrays.fill(seed, (byte) 0);
        byte[] storedPublic = Arrays.copyOfRange(bytes, KEY_LENGTH, FILE_LENGTH);
        if (!Arrays.equals(storedPublic, keypair.publicKey)) {
            throw new IllegalArgumentException("keypair file " + file + ": public key "
                    + Base58.encode(storedPublic) + " does not match the secret seed, which gives "
                    + keypair.address);
        }
        return keypair;
    }

    /**
     * Loads {@code file}, or if it does not exist generates a key pair and saves it there. When two
     * processes race, the first file written wins and both end up with its key.
     */
    public static Ed25519Keypair loadOrGenerate(Path file) {
        if (Files.exists(file)) {
            return load(file);
        }
        Ed25519Keypair fresh = generate(new SecureRandom());
        try {
            fresh.write(file, false);
            return fresh;
        } catch (FileAlreadyExistsException e) {
            return load(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write keypair file " + file, e);
        }
    }

    /**
     * Writes this key pair to {@code file} in Solana format, replacing it atomically, creating
     * parent directories and restricting it to its owner where the file system supports POSIX.
     */
    public void save(Path file) {
        try {
            write(file, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write keypair file " + file, e);
        }
    }

    private void write(Path file, boolean replace) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        // A temp file in the same directory makes the final move atomic and never exposes a partial key.
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attrs);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(toJson().getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            if (replace) {
                moveReplacing(temp, target);
            } else {
                // A hard link fails when the target exists, giving "create if absent" atomically.
                try {
                    Files.createLink(target, temp);
                } catch (FileAlreadyExistsException e) {
                    throw e;
                } catch (UnsupportedOperationException | FileSystemException e) {
                    Files.move(temp, target);
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void moveReplacing(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private String toJson() {
        StringBuilder json = new StringBuilder(FILE_LENGTH * 4 + 2).append('[');
        for (int i = 0; i < FILE_LENGTH; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(i < KEY_LENGTH ? seed[i] & 0xFF : publicKey[i - KEY_LENGTH] & 0xFF);
        }
        return json.append(']').toString();
    }

    @Override
    public String address() {
        return address;
    }

    /** The 32-byte public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] sign(byte[] message) {
        byte[] out = new byte[SIGNATURE_LENGTH];
        privateKey.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, out, 0);
        return out;
    }

    /** True when {@code signature} is a valid Ed25519 signature of {@code message}; false on any bad input. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null
                || publicKey.length != KEY_LENGTH
                || message == null
                || signature == null
                || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
        } catch (RuntimeException e) {
            // Invalid points and non-canonical encodings all mean "no".
            return false;
        }
    }

    /** Never reveals the secret. */
    @Override
    public String toString() {
        return "Ed25519Keypair[" + address + "]";
    }
}
