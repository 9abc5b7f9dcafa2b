package io.statspipe.adapter.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.ports.out.EngineUnavailableException;
import java.util.List;
import java.util.Set;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LegacyMongoServerTest {
    private static final long T = Instant.parse("2026-11-25T10:01:30Z").toEpochMilli();

    @Test
    void aFileBackedServerKeepsItsDocumentsAcrossARestart(@TempDir Path dir) {
        Path file = dir.resolve("legacy/stats.mv");
        try (LegacyMongoServer server = LegacyMongoServer.onFile(file).start();
             MongoClient client = MongoClients.create(server.connectionString())) {
            assertThat(server.connectionString()).startsWith("mongodb://127.0.0.1:");
            new LegacyEventWriter(client.getDatabase("stats")).record(Event.counter(Series.of("web.views"), T, 3));
        }
        assertThat(Files.exists(file)).isTrue();

        try (LegacyMongoServer server = LegacyMongoServer.onFile(file).start();
             MongoClient client = MongoClients.create(server.connectionString())) {
            Document doc = client.getDatabase("stats").getCollection(LegacySchema.COLLECTION)
                    .find(new Document("_id", "web.views||2026-11-25")).first();
            assertThat(doc.get("total")).isEqualTo(3L);
            assertThat(server.dataFile()).contains(file.toAbsolutePath());
        }
    }

    @Test
    void writesToAStoppedServerFailAsEngineUnavailableNamingTheStore() {
        LegacyMongoServer server = LegacyMongoServer.inMemory().start();
        try (MongoClient client = MongoClients.create(server.connectionString() + "/?serverSelectionTimeoutMS=1500")) {
            MongoDatabase db = client.getDatabase("stats");
            LegacyPartialWriter writer = new LegacyPartialWriter(db);
            Partial partial = new Partial(new PartialId(Series.of("web.views"), Kind.COUNTER, Resolution.MINUTE,
                    Resolution.MINUTE.bucketOf(T), Origin.ofPartition(0, 1, 0)), new CounterAggregate(1), Set.of());
            server.stop();

            assertThatThrownBy(() -> writer.write(List.of(partial))).isInstanceOf(EngineUnavailableException.class)
                    .hasMessageContaining("legacy MongoDB could not take 1 partials");
            assertThatThrownBy(() -> new LegacyEventWriter(db).record(Event.counter(Series.of("web.views"), T, 1)))
                    .isInstanceOf(EngineUnavailableException.class).hasMessageContaining("web.views");
        }
    }

    @Test
    void aStoppedServerHasNoConnectionString() {
        LegacyMongoServer server = LegacyMongoServer.inMemory().start();
        server.stop();
        server.stop();

        assertThatThrownBy(server::connectionString).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started");
    }
}
