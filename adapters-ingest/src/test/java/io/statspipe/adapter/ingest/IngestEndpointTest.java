package io.statspipe.adapter.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import io.statspipe.ports.fixtures.InMemoryEventLog;
import io.statspipe.ports.service.RecordEventsService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The HTTP ingest contract, spoken to the inbound port with the ports' in-memory event log behind it. */
class IngestEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final IngestEndpoint endpoint = new IngestEndpoint(new RecordEventsService(log), IngestEndpoint.Counts.NONE);

    private static IngestEndpoint.Request post(String body, Optional<String> key, Optional<String> tenant) {
        return new IngestEndpoint.Request("POST", body.getBytes(StandardCharsets.UTF_8), false, key, tenant);
    }

    private static JsonNode json(IngestEndpoint.Answer answer) throws IOException {
        return JSON.readTree(answer.json());
    }

    @Test
    void goodLinesAreRecordedAndABadLineIsRefusedWithItsReasonAndKept() throws IOException {
        IngestEndpoint.Answer answer = endpoint.handle(post("clicks:2|c|#site:1\nbroken\n", Optional.empty(), Optional.empty()));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(json(answer).get("accepted").asInt()).isEqualTo(1);
        assertThat(json(answer).get("refused_count").asInt()).isEqualTo(1);
        assertThat(json(answer).get("refused").get(0).asText()).startsWith("'broken': ");
        assertThat(log.events()).singleElement().satisfies(e -> {
            assertThat(e.series()).isEqualTo(Series.of("clicks", "site", "1"));
            assertThat(e.kind()).isEqualTo(Kind.COUNTER);
            assertThat(e.value()).isEqualTo(2.0);
        });
        assertThat(log.refusals()).singleElement().asString().startsWith("http: missing '|type'");
    }

    @Test
    void aTenantsWriterTagsItsLinesAndIsRefusedAnotherTenantsSeries() throws IOException {
        IngestEndpoint.Answer answer = endpoint.handle(post("views:1|c\nviews:1|c|#tenant:other\n", Optional.empty(),
                Optional.of("acme")));

        assertThat(json(answer).get("accepted").asInt()).isEqualTo(1);
        assertThat(log.events()).extracting(Event::series).containsExactly(Series.of("views", "tenant", "acme"));
        assertThat(log.refusals()).singleElement().asString().contains("tenant acme may not write series of tenant other");
    }

    @Test
    void aRepeatedKeyIsAnsweredAsTheFirstTimeAndRecordsNothingMore() {
        IngestEndpoint.Answer first = endpoint.handle(post("clicks:1|c\n", Optional.of("k-1"), Optional.empty()));
        IngestEndpoint.Answer again = endpoint.handle(post("clicks:1|c\n", Optional.of("k-1"), Optional.empty()));

        assertThat(again.json()).isEqualTo(first.json());
        assertThat(log.events()).hasSize(1);
        assertThatThrownBy(() -> endpoint.handle(post("clicks:9|c\n", Optional.of("k-1"), Optional.empty())))
                .isInstanceOfSatisfying(IngestEndpoint.Refused.class, r -> assertThat(r.status()).isEqualTo(422));
    }

    @Test
    void anEventLogThatCannotTakeTheEventsIsA503AndAWrongMethodA405() {
        log.goDown();

        assertThatThrownBy(() -> endpoint.handle(post("clicks:1|c\n", Optional.empty(), Optional.empty())))
                .isInstanceOfSatisfying(IngestEndpoint.Refused.class, r -> assertThat(r.status()).isEqualTo(503));
        assertThatThrownBy(() -> endpoint.handle(new IngestEndpoint.Request("GET", new byte[0], false, Optional.empty(),
                Optional.empty())))
                .isInstanceOfSatisfying(IngestEndpoint.Refused.class, r -> assertThat(r.status()).isEqualTo(405));
    }
}
