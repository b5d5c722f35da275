package dev.chainsync.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operations files under {@code ops/} (Prometheus rules, Alertmanager example, Grafana
 * dashboard), found from the module's directory, and the metric names their PromQL queries.
 */
public final class OpsFiles {
    public static final String RULES = "ops/prometheus/chainsync-alerts.yml";
    public static final String RULE_TESTS = "ops/prometheus/chainsync-alerts.test.yml";
    public static final String ALERTMANAGER = "ops/alertmanager/alertmanager.yml";
    public static final String DASHBOARD = "ops/grafana/chainsync.json";
    public static final String RUNBOOK = "docs/runbook.md";

    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "bool",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "inf",
            "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private OpsFiles() {}

    /** The repository root: the first directory upwards from the working directory holding {@code ops/}. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("ops"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "no ops/ directory above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public static Path path(String relative) {
        return root().resolve(relative);
    }

    public static JsonNode yaml(String relative) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String relative) {
        try {
            return new ObjectMapper().readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every alerting rule of the rules file. */
    public static List<JsonNode> alertRules() {
        List<JsonNode> out = new ArrayList<>();
        yaml(RULES).path("groups").forEach(g -> g.path("rules").forEach(out::add));
        return out;
    }

    /** Every PromQL expression of the dashboard's panels (rows' nested panels included). */
    public static List<String> dashboardQueries() {
        List<String> out = new ArrayList<>();
        collectExprs(json(DASHBOARD).path("panels"), out);
        return out;
    }

    private static void collectExprs(JsonNode panels, List<String> out) {
        for (JsonNode p : panels) {
            p.path("targets").forEach(t -> out.add(t.path("expr").asText()));
            collectExprs(p.path("panels"), out);
        }
    }

    /**
     * The metric names a PromQL expression selects: what is left once strings, label matchers,
     * ranges, grouping clauses, Grafana variables, numbers, functions and keywords are taken out.
     */
    public static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", " ")
                .replaceAll("'(\\\\.|[^'\\\\])*'", " ")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\boffset\\s+\\w+", " ")
                .replaceAll("\\$\\w+", " ")
                .replaceAll("(?<![\\w:])\\d+(\\.\\d+)?([eE][-+]?\\d+)?[smhdwy]?", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String token = m.group();
            boolean function = s.substring(m.end()).stripLeading().startsWith("(");
            if (!function && !KEYWORDS.contains(token.toLowerCase(java.util.Locale.ROOT))) {
                names.add(token);
            }
        }
        return names;
    }
}
