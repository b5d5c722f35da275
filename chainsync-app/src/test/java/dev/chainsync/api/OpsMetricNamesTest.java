package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.solana.SolanaChainClient;
import dev.chainsync.chain.solana.SolanaConfig;
import dev.chainsync.ops.OpsFiles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the alert rules and the Grafana dashboard query is one a running chainsync
 * exports: the names are read from {@code GET /metrics} of an application that issued, confirmed
 * and reconciled a credential (plus the Solana adapter's per-endpoint meters, which a devnet
 * application does not have).
 */
class OpsMetricNamesTest {
    @TempDir
    Path dataDir;

    ApiHarness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    /** The sample names of a Prometheus text exposition ({@code name{labels} value} lines). */
    static Set<String> sampleNames(String exposition) {
        return exposition
                .lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private Set<String> exported() {
        h = ApiHarness.start("opsnames", dataDir);
        h.issue("university-1", "student-1", null, "diploma".getBytes(StandardCharsets.UTF_8));
        h.submitAndConfirm();
        h.clock.advance(Duration.ofSeconds(30));
        assertThat(h.app.services().reconciler().runOnce().status()).isEqualTo("succeeded");
        HttpResponse<String> metrics = h.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        String body = metrics.body();
        assertThat(body)
                .as("the traffic reached the seeds' histograms on the application's registry")
                .containsPattern("(?m)^blockchain_transaction_confirmation_seconds_count(\\{[^}]*})? 1(\\.0)?$")
                .containsPattern(
                        "(?m)^reconciliation_duration_seconds_count\\{[^}]*status=\"succeeded\"[^}]*} 1(\\.0)?$");
        Set<String> names = new TreeSet<>(sampleNames(body));
        PrometheusMeterRegistry solana = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (SolanaChainClient client = SolanaChainClient.create(
                SolanaConfig.of(List.of(URI.create("http://127.0.0.1:1"))),
                Ed25519Keypair.generate(new SecureRandom()),
                50,
                Duration.ofSeconds(30),
                Clock.systemUTC(),
                solana)) {
            names.addAll(sampleNames(solana.scrape()));
        }
        return names;
    }

    @Test
    void everyMetricTheRulesAndTheDashboardQueryIsExported() {
        Set<String> exported = exported();
        Map<String, Set<String>> queried = new LinkedHashMap<>();
        OpsFiles.alertRules()
                .forEach(r -> queried.put(
                        "rule " + r.path("alert").asText(),
                        OpsFiles.metricNames(r.path("expr").asText())));
        List<String> panels = OpsFiles.dashboardQueries();
        assertThat(panels).hasSizeGreaterThan(10);
        for (int i = 0; i < panels.size(); i++) {
            queried.put("dashboard query " + i + " " + panels.get(i), OpsFiles.metricNames(panels.get(i)));
        }
        Set<String> all = new TreeSet<>();
        queried.forEach((where, names) -> {
            assertThat(names).as("%s selects a metric", where).isNotEmpty();
            assertThat(exported).as("%s: metrics nobody exports", where).containsAll(names);
            all.addAll(names);
        });
        // The seeds' names are among what is watched.
        assertThat(all)
                .contains(
                        "blockchain_sync_lag_seconds",
                        "blockchain_ownership_mismatches_total",
                        "blockchain_transaction_confirmation_seconds_bucket",
                        "diploma_inconsistencies_total",
                        "reconciliation_duration_seconds_count",
                        "chainsync_chain_rpc_height_lag_blocks");
        // And a misspelt name is not among them, so the check above can fail.
        Set<String> typo = OpsFiles.metricNames("sum(rate(blockchain_sync_lag_second[5m])) > 0");
        assertThat(typo).containsExactly("blockchain_sync_lag_second");
        assertThat(exported).doesNotContainAnyElementsOf(typo);
    }
}
