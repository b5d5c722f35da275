package dev.chainsync.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules and the Alertmanager example: the shape every rule must have, the rules' unit
 * tests run by {@code promtool test rules}, and the routing checked by {@code amtool}. The tools
 * come from Debian's {@code prometheus} and {@code prometheus-alertmanager} packages; without them
 * those tests are skipped and say so.
 */
class AlertRulesTest {
    static final Set<String> SEVERITIES = Set.of("critical", "high", "medium");
    static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+)$", Pattern.MULTILINE);

    record Run(int exit, String output) {}

    static Run run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS))
                .as("%s finished", command[0])
                .isTrue();
        return new Run(p.exitValue(), out);
    }

    static void assumeTool(String tool, String debianPackage) {
        boolean found = java.util.Arrays.stream(
                        System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .filter(d -> !d.isEmpty())
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
        assumeTrue(
                found,
                tool + " is not installed: these tests need it (apt-get install -y " + debianPackage + "); skipped");
    }

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
    static String anchor(String heading) {
        return heading.strip()
                .toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-');
    }

    @Test
    void everyRuleHasASeverityASummaryAndARunbookSectionThatExists() throws IOException {
        String runbook = Files.readString(OpsFiles.path(OpsFiles.RUNBOOK));
        Set<String> anchors =
                HEADING.matcher(runbook).results().map(m -> anchor(m.group(1))).collect(Collectors.toSet());
        List<JsonNode> rules = OpsFiles.alertRules();
        assertThat(rules).hasSizeGreaterThanOrEqualTo(7);
        for (JsonNode r : rules) {
            String name = r.path("alert").asText();
            assertThat(name).as("only alerting rules").isNotEmpty();
            assertThat(r.path("labels").path("severity").asText()).as(name).isIn(SEVERITIES);
            assertThat(r.path("annotations").path("summary").asText()).as(name).isNotBlank();
            String url = r.path("annotations").path("runbook_url").asText();
            assertThat(url).as(name).startsWith(OpsFiles.RUNBOOK + "#");
            assertThat(anchors).as("%s: runbook section %s", name, url).contains(url.substring(url.indexOf('#') + 1));
        }
    }

    @Test
    void theSeedsAlertsAreAllThereWithTheirSeverities() {
        java.util.Map<String, String> severity = new java.util.HashMap<>();
        OpsFiles.alertRules()
                .forEach(r -> severity.put(
                        r.path("alert").asText(),
                        r.path("labels").path("severity").asText()));
        // Seed 001 section 2.5, its 3.6 checklist, and seed 000's inconsistencies > 10.
        assertThat(severity)
                .containsEntry("BlockchainSyncLag", "critical")
                .containsEntry("BlockchainOwnershipMismatch", "high")
                .containsEntry("OutboxDeadLettersHigh", "high")
                .containsEntry("RpcNodeDesync", "critical")
                .containsEntry("ReconciliationJobFailed", "critical")
                .containsEntry("PendingOperationsOld", "medium")
                .containsEntry("TransactionFailureRateHigh", "high")
                .containsEntry("ChainUnavailable", "critical")
                .containsEntry("DiplomaInconsistenciesHigh", "critical");
    }

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        assumeTool("promtool", "prometheus");
        Run r = run(OpsFiles.root(), "promtool", "check", "rules", OpsFiles.RULES);
        assertThat(r.exit()).as(r.output()).isZero();
    }

    @Test
    void theRulesUnitTestsPassAndCoverEveryAlertFiringAndQuiet() throws Exception {
        assumeTool("promtool", "prometheus");
        Run r = run(OpsFiles.root(), "promtool", "test", "rules", OpsFiles.RULE_TESTS);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");

        List<String> firing = new ArrayList<>();
        List<String> quiet = new ArrayList<>();
        for (JsonNode t : OpsFiles.yaml(OpsFiles.RULE_TESTS).path("tests")) {
            for (JsonNode a : t.path("alert_rule_test")) {
                (a.path("exp_alerts").isEmpty() ? quiet : firing)
                        .add(a.path("alertname").asText());
            }
        }
        List<String> alerts = OpsFiles.alertRules().stream()
                .map(n -> n.path("alert").asText())
                .toList();
        assertThat(firing).as("a firing test per alert").containsAll(alerts);
        assertThat(quiet).as("a quiet test per alert").containsAll(alerts);
    }

    @Test
    void theUnitTestsCatchAThresholdThatDrifted(@TempDir Path dir) throws Exception {
        assumeTool("promtool", "prometheus");
        String rules = Files.readString(OpsFiles.path(OpsFiles.RULES));
        String drifted = rules.replace("(blockchain_sync_lag_seconds) > 300", "(blockchain_sync_lag_seconds) > 3000");
        assertThat(drifted).isNotEqualTo(rules);
        Path prometheus = Files.createDirectories(dir.resolve("prometheus"));
        Files.writeString(prometheus.resolve("chainsync-alerts.yml"), drifted);
        Files.copy(OpsFiles.path(OpsFiles.RULE_TESTS), prometheus.resolve("chainsync-alerts.test.yml"));
        Run r = run(prometheus, "promtool", "test", "rules", "chainsync-alerts.test.yml");
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("BlockchainSyncLag");
    }

    @Test
    void alertmanagerRoutesCriticalToPagerDutyAndHighToSlack() throws Exception {
        assumeTool("amtool", "prometheus-alertmanager");
        Path root = OpsFiles.root();
        Run check = run(root, "amtool", "check-config", OpsFiles.ALERTMANAGER);
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(route(root, "severity=critical")).isEqualTo("pagerduty");
        assertThat(route(root, "severity=high")).isEqualTo("slack");
        assertThat(route(root, "severity=medium")).isEqualTo("slack");
        assertThat(route(root, "alertname=BlockchainOwnershipMismatch", "severity=high", "page=true"))
                .as("seed 001: ownership mismatches go to Slack and PagerDuty")
                .isEqualTo("pagerduty,slack");
    }

    private static String route(Path root, String... labels) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of("amtool", "config", "routes", "test", "--config.file=" + OpsFiles.ALERTMANAGER));
        cmd.addAll(List.of(labels));
        Run r = run(root, cmd.toArray(String[]::new));
        assertThat(r.exit()).as(r.output()).isZero();
        // amtool warns on the same stream; the receivers are its last line.
        return r.output()
                .lines()
                .filter(l -> !l.startsWith("Warning"))
                .reduce((a, b) -> b)
                .orElse("")
                .strip();
    }

    @Test
    void theAlertmanagerExampleParsesAndNamesBothReceivers() {
        JsonNode am = OpsFiles.yaml(OpsFiles.ALERTMANAGER);
        List<String> receivers = new ArrayList<>();
        am.path("receivers").forEach(r -> receivers.add(r.path("name").asText()));
        assertThat(receivers).containsExactlyInAnyOrder("pagerduty", "slack");
        assertThat(am.path("receivers").toString()).contains("pagerduty_configs", "slack_configs");
    }

    @Test
    void metricNamesAreTheSelectorsOfAnExpression() {
        assertThat(
                        OpsFiles.metricNames(
                                "sum(rate(a_total{x=\"y\"}[5m])) / (sum by (le) (rate(b_bucket[$__rate_interval])) + c) > 0.25"))
                .containsExactly("a_total", "b_bucket", "c");
        assertThat(OpsFiles.metricNames("histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))"))
                .containsExactly("h_bucket");
        assertThat(OpsFiles.metricNames("max(g) == 1 and on (instance) up_metric offset 5m or vector(0)"))
                .containsExactly("g", "up_metric");
    }
}
