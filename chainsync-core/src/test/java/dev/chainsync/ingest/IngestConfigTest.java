package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.config.ConfigException;
import dev.chainsync.config.Env;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
    @Test
    void theReplacedServicesVariablesAndDefaults() {
        IngestConfig d = IngestConfig.load(new Env(Map.of("HOSTNAME", "worker-7")));
        assertThat(d.enabled()).isFalse();
        assertThat(d.redisUrl()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(d.streams()).containsExactly("rindexer_producer");
        assertThat(d.consumerGroup()).isEqualTo("postgres-sync");
        assertThat(d.consumerName()).isEqualTo("chainsync-worker-7");
        assertThat(d.batchSize()).isEqualTo(100);
        assertThat(d.batchTimeout()).isEqualTo(Duration.ofMillis(5000));
        assertThat(d.workers()).isEqualTo(4);
        assertThat(d.processingTimeout()).isEqualTo(Duration.ofMillis(30000));
        assertThat(d.maxRetries()).isEqualTo(3);
        assertThat(d.breakerThreshold()).isEqualTo(5);
        assertThat(d.breakerTimeout()).isEqualTo(Duration.ofMillis(60000));
        assertThat(d.deadLetterStream()).isEqualTo("chainsync_ingest_dead_letters:postgres-sync");

        IngestConfig c = IngestConfig.load(new Env(Map.of(
                "REDIS_URL",
                "redis://:secret@cache:6380",
                "REDIS_STREAMS",
                " a_deposited, a_redeemed ,a_deposited",
                "CONSUMER_GROUP",
                "g",
                "CONSUMER_NAME",
                "n1",
                "BATCH_SIZE",
                "500",
                "WORKERS",
                "2",
                "MAX_RETRIES",
                "5")));
        assertThat(c.enabled()).isTrue();
        assertThat(c.streams()).containsExactly("a_deposited", "a_redeemed");
        assertThat(c.consumerName(0)).isEqualTo("n1-0");
        assertThat(c.deadLetterStream())
                .as("derived from the group, so deployments sharing a Redis keep their dead letters apart")
                .isEqualTo("chainsync_ingest_dead_letters:g");
        assertThat(IngestConfig.load(new Env(Map.of(
                                "CONSUMER_GROUP",
                                "g",
                                "CHAINSYNC_INGEST_DEAD_LETTER_STREAM",
                                "chainsync_ingest_dead_letters")))
                        .deadLetterStream())
                .as("the setting still overrides it, e.g. to keep the old global name")
                .isEqualTo(IngestConfig.LEGACY_DEAD_LETTER_STREAM);
        assertThat(c.toString()).doesNotContain("secret");
    }

    @Test
    void theConsumerNameIsStableAcrossStarts() {
        assertThat(IngestConfig.load(new Env(Map.of())).consumerName())
                .isEqualTo(IngestConfig.load(new Env(Map.of())).consumerName());
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        assertThatThrownBy(() -> Env.read(
                        Map.of(
                                "REDIS_URL",
                                "http://x",
                                "REDIS_STREAMS",
                                " , ",
                                "BATCH_SIZE",
                                "0",
                                "WORKERS",
                                "lots",
                                "CIRCUIT_BREAKER_TIMEOUT_MS",
                                "-1"),
                        IngestConfig::load))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .hasSize(5)
                        .anySatisfy(p -> assertThat(p).startsWith("REDIS_URL"))
                        .anySatisfy(p -> assertThat(p).startsWith("REDIS_STREAMS"))
                        .anySatisfy(p -> assertThat(p).startsWith("BATCH_SIZE"))
                        .anySatisfy(p -> assertThat(p).startsWith("WORKERS"))
                        .anySatisfy(p -> assertThat(p).startsWith("CIRCUIT_BREAKER_TIMEOUT_MS")));
        assertThat(Env.read(Map.of("REDIS_URL", "redis://r:6379"), IngestConfig::load)
                        .streams())
                .isEqualTo(List.of("rindexer_producer"));
    }

    @Test
    void aRedisUrlLettuceCannotUseIsRefusedAtStartWithoutItsPassword() {
        assertThatThrownBy(() ->
                        Env.read(Map.of("REDIS_URL", "redis://:pw-secret@127.0.0.1:notaport"), IngestConfig::load))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .singleElement()
                        .satisfies(p -> assertThat(p)
                                .startsWith("REDIS_URL")
                                .contains("not a valid Redis URL")
                                .doesNotContain("pw-secret")));
    }

    @Test
    void aConfigurationBuiltInCodeIsCheckedLikeOneFromTheEnvironment() {
        assertThatThrownBy(() -> IngestConfig.defaults().withRedis("http://x", List.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .hasSize(2)
                        .anySatisfy(p -> assertThat(p).startsWith("REDIS_URL=http://x must start with redis://"))
                        .anySatisfy(p -> assertThat(p).startsWith("REDIS_STREAMS must name at least one stream")));
    }
}
