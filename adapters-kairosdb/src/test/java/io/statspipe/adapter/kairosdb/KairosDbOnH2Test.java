package io.statspipe.adapter.kairosdb;

import static io.statspipe.adapter.kairosdb.Eventually.assertEventuallyEquals;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.Partial;
import io.statspipe.ports.fixtures.InMemoryAggregateStore;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.out.EngineUnavailableException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
                .hasMessageContaining(KAIROS.httpUrl()).hasMessageContaining("after 3 tries");
        assertThatThrownBy(() -> store.query(queries.get(0))).isInstanceOf(EngineUnavailableException.class);

        KAIROS.kairos().start();
        store.write(during); // the caller still held them, and writes them again
        expected.write(during);
        for (StatsQuery query : queries) {
            assertEventuallyEquals(() -> store.query(query), expected.query(query));
        }
    }
}
