package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI image tarball Jib builds in the package phase (so failsafe runs this after it): its config
 * (entrypoint, port, non-root user, environment, health check), that the Java runtime and the
 * classes in its layers start chainsync, and that the declared health check works.
 */
class ImageTarIT {
    static final Path TARBALL = Path.of("target", "chainsync-image.tar");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void requireTarball() throws Exception {
        Assumptions.assumeTrue(
                Files.isRegularFile(TARBALL),
                "image tests skipped: no " + TARBALL.toAbsolutePath()
                        + "; build it with ./mvnw -pl chainsync-app -am package (without -Dchainsync.image.skip)");
        run(dir, "tar", "xf", TARBALL.toAbsolutePath().toString());
    }

    JsonNode config() throws Exception {
        JsonNode manifest = JSON.readTree(dir.resolve("manifest.json").toFile()).get(0);
        return JSON.readTree(dir.resolve(manifest.path("Config").asText()).toFile());
    }

    @Test
    void theConfigRunsServeAsANonRootUserOnPort8080() throws Exception {
        JsonNode c = config().path("config");
        assertThat(c.path("Entrypoint").get(0).asText()).isEqualTo("/opt/java/bin/java");
        assertThat(c.path("Entrypoint").toString()).contains("dev.chainsync.app.Main");
        assertThat(c.path("Cmd").toString()).isEqualTo("[\"serve\"]");
        assertThat(c.path("ExposedPorts").has("8080/tcp")).isTrue();
        String user = c.path("User").asText();
        assertThat(user).isNotEmpty().doesNotStartWith("0").isNotEqualTo("root");
        List<String> env = new ArrayList<>();
        c.path("Env").forEach(e -> env.add(e.asText()));
        assertThat(env).contains("HTTP_PORT=8080", "CHAINSYNC_DATA_DIR=/var/lib/chainsync");
    }

    @Test
    void theRuntimeAndClassesInTheLayersStartChainsync() throws Exception {
        Path root = dir.resolve("rootfs");
        Files.createDirectories(root);
        for (JsonNode layer :
                JSON.readTree(dir.resolve("manifest.json").toFile()).get(0).path("Layers")) {
            run(root, "tar", "xzf", dir.resolve(layer.asText()).toString());
        }
        Path java = root.resolve("opt/java/bin/java");
        assertThat(java).isExecutable();
        String classpath = String.join(
                ":",
                root.resolve("app/resources").toString(),
                root.resolve("app/classes").toString(),
                root.resolve("app/libs/*").toString());
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", classpath, "dev.chainsync.app.Main", "--help")
                .redirectErrorStream(true);
        pb.environment().put("LD_LIBRARY_PATH", root.resolve("opt/java/lib").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("serve", "migrate");

        // The health check the compose file runs: the probe class on the image's runtime.
        com.sun.net.httpserver.HttpServer server =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health/ready", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            String ready = "http://127.0.0.1:" + server.getAddress().getPort() + "/health/ready";
            assertThat(probe(root, ready)).isZero();
            assertThat(probe(root, "http://127.0.0.1:" + server.getAddress().getPort() + "/nothing"))
                    .isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theImageDeclaresAHealthCheckThatAsksTheServiceIfItIsReady() throws Exception {
        JsonNode health = config().path("config").path("Healthcheck");
        List<String> test = new ArrayList<>();
        health.path("Test").forEach(t -> test.add(t.asText()));
        assertThat(test)
                .containsExactly("CMD", "/opt/java/bin/java", "-cp", "/app/classes", "dev.chainsync.app.HealthProbe");
        assertThat(health.path("Interval").asLong()).isPositive();
        assertThat(health.path("Retries").asInt()).isPositive();

        // The declared command itself, on the image's runtime and classes, with the image's HTTP_PORT
        // pointed at a service that is ready, then at one that is not.
        Path root = dir.resolve("rootfs");
        Files.createDirectories(root);
        for (JsonNode layer :
                JSON.readTree(dir.resolve("manifest.json").toFile()).get(0).path("Layers")) {
            run(root, "tar", "xzf", dir.resolve(layer.asText()).toString());
        }
        List<String> command = test.subList(1, test.size()).stream()
                .map(a -> a.startsWith("/") ? root + a : a)
                .toList();
        assertThat(healthCheck(root, command, 200)).isZero();
        assertThat(healthCheck(root, command, 503)).isEqualTo(1);
    }

    /** Runs the image's health check against a local service whose /health/ready answers {@code status}. */
    static int healthCheck(Path root, List<String> command, int status) throws Exception {
        com.sun.net.httpserver.HttpServer server =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health/ready", ex -> {
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("LD_LIBRARY_PATH", root.resolve("opt/java/lib").toString());
            pb.environment().put("HTTP_PORT", String.valueOf(server.getAddress().getPort()));
            Process p = pb.start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return p.exitValue();
        } finally {
            server.stop(0);
        }
    }

    static int probe(Path root, String url) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                        root.resolve("opt/java/bin/java").toString(),
                        "-cp",
                        root.resolve("app/classes").toString(),
                        "dev.chainsync.app.HealthProbe",
                        url)
                .redirectErrorStream(true);
        pb.environment().put("LD_LIBRARY_PATH", root.resolve("opt/java/lib").toString());
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    static void run(Path cwd, String... command) throws Exception {
        Process p = new ProcessBuilder(command)
                .directory(cwd.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
