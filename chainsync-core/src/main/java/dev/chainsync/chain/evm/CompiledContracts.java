package dev.chainsync.chain.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads a committed solc-js output (compiler version, ABI, creation bytecode) from the classpath. */
final class CompiledContracts {
    private CompiledContracts() {}

    static JsonNode read(String resource) {
        try (InputStream in = CompiledContracts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The creation bytecode of {@code compiled}, 0x-prefixed hex. */
    static String bytecode(JsonNode compiled) {
        return compiled.path("bytecode").asText();
    }
}
