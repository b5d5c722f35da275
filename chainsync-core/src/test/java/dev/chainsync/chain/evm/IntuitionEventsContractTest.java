package dev.chainsync.chain.evm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The Intuition events contract: its committed bytecode is the compiled source, and on anvil its
 * logs carry the real MultiVault v2 topics (which arguments are indexed included).
 */
class IntuitionEventsContractTest {
    private static final String ATOM_CREATED = "0xfd579ad7468b1720e08f84efe16900074f3ffdaaeaa82e675e5aec69bf393189";
    private static final String TRIPLE_CREATED = "0xf13505b910c49b286cf7fbaf1a78620cf7d8bda0e8e39c1baed620c08af686e7";
    private static final String DEPOSITED = "0xf717428d3271f4ca44ee92a96ecda708463de1c200f30db4e295def5e8db6b4a";
    private static final String REDEEMED = "0x5ab85658e5658520d47644e1417584159fc8edb9712149792a9337ff5e1048a4";
    private static final String SHARE_PRICE_CHANGED =
            "0xcc9bc63a4b047be4850fcbada8d7ed7aa097ed4f6c3b55bebc7e108ea1d2f824";

    @Test
    void committedBytecodeIsTheCompiledSource() throws Exception {
        Path dir = AnvilNode.findDirectory();
        Assumptions.assumeTrue(dir != null, "testing/evm not found: recompilation check skipped");
        Assumptions.assumeTrue(
                Files.isDirectory(dir.resolve("node_modules/solc")),
                () -> dir.resolve("node_modules/solc") + " is missing (run `npm ci` in testing/evm):"
                        + " recompilation check skipped");
        Process p;
        try {
            p = new ProcessBuilder("node", "compile.js", "IntuitionEvents")
                    .directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            Assumptions.abort("Node.js (node) is not on PATH: recompilation check skipped");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("solc-js compiles the source").isZero();
        assertThat(new ObjectMapper().readTree(out))
                .as("regenerate with: cd testing/evm && node compile.js IntuitionEvents > "
                        + "../../chainsync-core/src/main/resources/evm/IntuitionEvents.json")
                .isEqualTo(IntuitionEventsContract.compiled());
    }

    @Test
    void theAbiDeclaresTheFiveEventsAsMultiVaultV2() {
        Map<String, String> topics = new java.util.TreeMap<>();
        Map<String, List<String>> indexed = new java.util.TreeMap<>();
        for (JsonNode item : IntuitionEventsContract.compiled().path("abi")) {
            if (!item.path("type").asText().equals("event")) {
                continue;
            }
            List<String> types = new ArrayList<>();
            List<String> idx = new ArrayList<>();
            for (JsonNode in : item.path("inputs")) {
                types.add(in.path("type").asText());
                if (in.path("indexed").asBoolean()) {
                    idx.add(in.path("name").asText());
                }
            }
            String signature = item.path("name").asText() + "(" + String.join(",", types) + ")";
            topics.put(item.path("name").asText(), topic(signature));
            indexed.put(item.path("name").asText(), idx);
        }
        assertThat(topics)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "AtomCreated", ATOM_CREATED,
                        "TripleCreated", TRIPLE_CREATED,
                        "Deposited", DEPOSITED,
                        "Redeemed", REDEEMED,
                        "SharePriceChanged", SHARE_PRICE_CHANGED));
        assertThat(indexed)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "AtomCreated", List.of("creator", "termId"),
                        "TripleCreated", List.of("creator", "termId"),
                        "Deposited", List.of("sender", "receiver", "termId"),
                        "Redeemed", List.of("sender", "receiver", "termId"),
                        "SharePriceChanged", List.of("termId", "curveId")));
    }

    @Test
    void fillEmitsTheGeneratedWorkloadWithTheRealTopics() {
        Path dir = AnvilNode.findDirectory();
        String unavailable = AnvilNode.unavailableReason(dir);
        Assumptions.assumeTrue(unavailable == null, () -> "EVM test skipped: " + unavailable);
        try (AnvilNode node = AnvilNode.start(dir)) {
            String contract = node.deployIntuitionEvents();
            int count = 2 * IntuitionEventsContract.FILL_GROUP;
            JsonNode receipt = node.transact(
                    contract, IntuitionEventsContract.fillCall(0, count), IntuitionEventsContract.fillGas(count));
            assertThat(EvmChainClient.quantity(receipt.path("gasUsed")))
                    .as("the gas estimate covers the fill")
                    .isLessThan(IntuitionEventsContract.fillGas(count));
            JsonNode logs = node.call(
                    "eth_getLogs", List.of(Map.of("address", contract, "fromBlock", "0x0", "toBlock", "latest")));
            assertThat(logs).hasSize(count);
            List<String> kinds = new ArrayList<>();
            logs.forEach(l -> kinds.add(l.path("topics").path(0).asText()));
            assertThat(kinds.subList(0, IntuitionEventsContract.FILL_GROUP))
                    .containsExactly(
                            ATOM_CREATED,
                            ATOM_CREATED,
                            TRIPLE_CREATED,
                            DEPOSITED,
                            SHARE_PRICE_CHANGED,
                            DEPOSITED,
                            SHARE_PRICE_CHANGED,
                            DEPOSITED,
                            SHARE_PRICE_CHANGED,
                            REDEEMED);
            JsonNode price = logs.get(4);
            assertThat(price.path("topics")).hasSize(3);
            assertThat(new BigInteger(
                            Numeric.cleanHexPrefix(price.path("topics").path(2).asText()), 16))
                    .as("curveId is indexed")
                    .isEqualTo(BigInteger.ONE);
            assertThat(logs.get(3).path("topics"))
                    .as("Deposited indexes three arguments")
                    .hasSize(4);
            String tripleId = logs.get(2).path("topics").path(2).asText();
            String counter = Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(
                    Numeric.toHexString(Hash.sha3("COUNTER_SALT".getBytes(StandardCharsets.US_ASCII)))
                            + Numeric.cleanHexPrefix(tripleId))));
            assertThat(logs.get(7).path("topics").path(3).asText())
                    .as("the counter-triple deposit uses the real counter id")
                    .isEqualTo(counter);
        }
    }

    private static String topic(String signature) {
        return Numeric.toHexString(Hash.sha3(signature.getBytes(StandardCharsets.US_ASCII)));
    }
}
