package io.statspipe.adapter.kairosdb;

import static io.statspipe.adapter.kairosdb.Eventually.assertEventuallyEquals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.domain.Partial;
import io.statspipe.ports.fixtures.InMemoryAggregateStore;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.out.EngineUnavailableException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kairosdb.client.HttpClient;
import org.kairosdb.client.builder.MetricBuilder;

/** The store against a real KairosDB server on H2, started once for the class. */
class KairosDbOnH2Test extends AggregateStoreContract {
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onH2();
    @AutoClose
    static KairosAggregateStore store;

    @BeforeAll
    static void connect() {
        // few, short retries: the outage test waits for them to run out
        store = new KairosAggregateStore(KairosStoreConfig.of(KAIROS.httpUrl()).withRetries(3, Duration.ofMillis(100)));
    }

    @Override
    KairosAggregateStore store() {
        return store;
    }

    @Override
    String kairosUrl() {
        return KAIROS.httpUrl();
    }

    @Test
    void anOutageFailsWritesLoudlyAndAfterARestartNothingIsLost() {
        String p = prefix("outage");
        List<Partial> before = Workload.partials(p, HOUR0, 10);
        // later flushes of the same streams, into the same buckets
        List<Partial> during = Workload.partials(p, HOUR0, 11, 100);
        InMemoryAggregateStore expected = new InMemoryAggregateStore();
        store.write(before);
        expected.write(before);
        List<StatsQuery> queries = queries(p);
        for (StatsQuery query : queries) {
            assertEventuallyEquals(() -> store.query(query), expected.query(query));
        }

        KAIROS.kairos().stop();
        assertThatThrownBy(() -> store.write(during)).isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining(KAIROS.httpUrl()).hasMessageContaining("after 3 tries")
                .hasMessageContaining("connection refused");
        assertThatThrownBy(() -> store.query(queries.get(0))).isInstanceOf(EngineUnavailableException.class);

        KAIROS.kairos().start();
        store.write(during); // the caller still held them, and writes them again
        expected.write(during);
        for (StatsQuery query : queries) {
            assertEventuallyEquals(() -> store.query(query), expected.query(query));
        }
    }

    @Test
    void aRequestKairosDbRefusesIsNotRetriedAndTheFailureSaysItWasRefused() throws Exception {
        KairosRetries retries = new KairosRetries(KairosStoreConfig.of(KAIROS.httpUrl()).withRetries(3, Duration.ofMillis(100)));
        MetricBuilder unknownType = MetricBuilder.getInstance();
        unknownType.addMetric(prefix("refused") + ".m", "no_such_type").addTag("t", "1").addDataPoint(HOUR0, 1L);
        AtomicInteger tries = new AtomicInteger();
        try (HttpClient client = new HttpClient(KAIROS.httpUrl())) {
            assertThatThrownBy(() -> retries.call("store a point of an unknown type", () -> {
                tries.incrementAndGet();
                client.pushMetrics(unknownType);
                return null;
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("refused to store a point of an unknown type")
                    .hasMessageContaining("HTTP 400").hasMessageContaining("not retried");
        }
        assertThat(tries).hasValue(1);
    }

    @Test
    void kairosDbOpensItsH2DatabaseWithThePageCacheSizedFromItsHeap() throws Exception {
        Path map = KAIROS.kairos().config().dataDir().toAbsolutePath().resolve(LocalKairosDb.H2_URL_MAP);
        // the server's command line as Linux keeps it, NUL-separated
        Path commandLine = Path.of("/proc", Long.toString(KAIROS.kairos().pid()), "cmdline");
        List<String> arguments = List.of(Files.readString(commandLine).split("\0"));
        Properties urls = new Properties();
        try (Reader in = Files.newBufferedReader(map, StandardCharsets.ISO_8859_1)) {
            urls.load(in);
        }

        assertThat(arguments).contains("-Dh2.urlMap=" + map);
        // H2 adds every URL it opens that the map lacks, unmapped: one entry means KairosDB's URL was mapped
        assertThat(urls).hasSize(1);
        String url = urls.stringPropertyNames().iterator().next();
        assertThat(url).endsWith("/h2db/kairosdb");
        int quarterOfTheHeapKb = KAIROS.kairos().config().heapMegabytes() / 4 * 1024;
        assertThat(urls.getProperty(url)).isEqualTo(url + ";CACHE_SIZE=" + quarterOfTheHeapKb);
    }
}
