package io.statspipe.adapter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.domain.Event;
import io.statspipe.domain.Series;
import org.junit.jupiter.api.Test;

class WrittenByTenantTest {

    @Test
    void aRelativeGaugeTaggedWithItsWritersTenantStaysRelative() {
        Event change = Event.gaugeChange(Series.of("queue.depth"), 1_700_000_000_000L, 5);

        assertThat(IngestEndpoint.writtenBy(change, "acme"))
                .isEqualTo(Event.gaugeChange(Series.of("queue.depth", "tenant", "acme"), 1_700_000_000_000L, 5));
    }
}
