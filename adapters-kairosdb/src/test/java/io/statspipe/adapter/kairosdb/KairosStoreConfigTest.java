package io.statspipe.adapter.kairosdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KairosStoreConfigTest {

    @Test
    void defaultsBatchAndCompressAndRetry() {
        KairosStoreConfig config = KairosStoreConfig.of("http://127.0.0.1:8080/");

        assertThat(config.url()).isEqualTo("http://127.0.0.1:8080");
        assertThat(config.pointsPerRequest()).isEqualTo(5_000);
        assertThat(config.gzip()).isTrue();
        assertThat(config.attempts()).isEqualTo(4);
    }

    @Test
    void badSettingsAreRefusedNamingTheSettingAndTheValue() {
        KairosStoreConfig config = KairosStoreConfig.of("http://127.0.0.1:8080");

        assertThatThrownBy(() -> KairosStoreConfig.of("127.0.0.1:8080"))
                .hasMessageContaining("kairosdb url").hasMessageContaining("'127.0.0.1:8080'");
        assertThatThrownBy(() -> config.withBatching(0, true)).hasMessageContaining("pointsPerRequest")
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> config.withRetries(0, Duration.ZERO)).hasMessageContaining("attempts");
        assertThatThrownBy(() -> LocalKairosDb.builder().dataDir(Path.of("x")).cassandra("localhost").config())
                .hasMessageContaining("cassandraHost as host:port").hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> LocalKairosDb.builder().dataDir(Path.of("x")).heapMegabytes(8).config())
                .hasMessageContaining("heapMegabytes").hasMessageContaining("got 8");
    }
}
