package dev.chainsync.deployment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The decision on a start, as a value: what to record (first start, or a devnet taking over from a
 * dead one) and what disagrees. Computed from the stored and the configured identity only.
 */
record IdentityVerdict(Map<String, String> toRecord, List<String> problems) {
    static final String ISSUER = "issuer_public_key";
    static final String WEBHOOK_KEY = "webhook_key_fingerprint";
    static final String CHAIN = "chain";
    static final String CHAIN_ID = "chain_id";
    static final String FORGET_HINT = "; to change it deliberately for every instance, stop them all and run"
            + " DELETE FROM shared_identity WHERE name = '%s' (the next start records the new value)";

    IdentityVerdict {
        toRecord = Map.copyOf(toRecord);
        problems = List.copyOf(problems);
    }

    boolean refused() {
        return !problems.isEmpty();
    }

    /**
     * @param devnetLiveElsewhere another live instance holds the devnet of this database (only asked
     *     when this instance runs a devnet)
     */
    static IdentityVerdict decide(Map<String, String> stored, SharedIdentity configured, boolean devnetLiveElsewhere) {
        Map<String, String> record = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        compare(
                stored,
                record,
                problems,
                ISSUER,
                configured.issuerPublicKey(),
                "the issuer public key",
                "set CHAINSYNC_ISSUER_KEYPAIR to a copy of the keypair file the other instances use");
        compare(
                stored,
                record,
                problems,
                WEBHOOK_KEY,
                configured.webhookKeyFingerprint(),
                "the webhook encryption key (fingerprint)",
                "set CHAINSYNC_WEBHOOK_ENCRYPTION_KEY (or CHAINSYNC_WEBHOOK_ENCRYPTION_KEY_FILE) to the key the"
                        + " other instances use");
        chain(stored, configured, devnetLiveElsewhere, record, problems);
        return new IdentityVerdict(problems.isEmpty() ? record : Map.of(), problems);
    }

    private static void chain(
            Map<String, String> stored,
            SharedIdentity configured,
            boolean devnetLiveElsewhere,
            Map<String, String> record,
            List<String> problems) {
        String storedChain = stored.get(CHAIN);
        String storedId = stored.get(CHAIN_ID);
        if (configured.devnet() && devnetLiveElsewhere) {
            problems.add("CHAINSYNC_CHAIN=devnet: another live instance already runs "
                    + (storedId != null ? "devnet " + storedId : "a devnet")
                    + " on this database, and a devnet lives inside one process; run a single instance with"
                    + " the devnet, or set CHAINSYNC_CHAIN=solana on every instance to share a chain");
            return;
        }
        if (storedChain == null) {
            record.put(CHAIN, configured.chain());
            putIfKnown(record, configured.chainId());
            return;
        }
        if (!storedChain.equals(configured.chain())) {
            problems.add("CHAINSYNC_CHAIN: this database's instances use the chain " + describe(storedChain, storedId)
                    + ", this instance " + describe(configured.chain(), configured.chainId())
                    + "; set CHAINSYNC_CHAIN=" + storedChain + " or use another database"
                    + FORGET_HINT.formatted(CHAIN + "' OR name = '" + CHAIN_ID));
            return;
        }
        if (configured.chainId() == null || Objects.equals(storedId, configured.chainId())) {
            return;
        }
        if (storedId == null || configured.devnet()) {
            // A devnet whose owner is gone may be replaced: its chain died with its process.
            putIfKnown(record, configured.chainId());
            return;
        }
        problems.add("CHAINSYNC_SOLANA_RPC_URLS: the endpoints serve the chain with genesis hash "
                + configured.chainId() + ", this database's instances use " + storedId
                + "; point CHAINSYNC_SOLANA_RPC_URLS at that cluster, or use another database"
                + FORGET_HINT.formatted(CHAIN_ID));
    }

    private static void compare(
            Map<String, String> stored,
            Map<String, String> record,
            List<String> problems,
            String name,
            String configured,
            String what,
            String fix) {
        String value = stored.get(name);
        if (value == null) {
            record.put(name, configured);
        } else if (!value.equals(configured)) {
            problems.add(what + ": this database's instances use " + value + ", this instance " + configured + "; "
                    + fix + FORGET_HINT.formatted(name));
        }
    }

    private static void putIfKnown(Map<String, String> record, String chainId) {
        if (chainId != null) {
            record.put(CHAIN_ID, chainId);
        }
    }

    private static String describe(String chain, String id) {
        return id == null ? chain : chain + " (" + id + ")";
    }
}
