package io.statspipe.app.wiring;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.statspipe.adapter.mongo.LegacyDeletion;
import io.statspipe.adapter.mongo.LegacyHistoryReader;
import io.statspipe.adapter.mongo.LegacyPartialWriter;
import io.statspipe.adapter.mongo.LegacyQueries;
import io.statspipe.ports.out.DeletePointsPort;
import io.statspipe.ports.out.LegacyHistoryPort;
import io.statspipe.ports.out.QueryAggregatesPort;
import io.statspipe.ports.out.ReadBucketsPort;
import io.statspipe.ports.out.WritePartialsPort;
import java.util.Optional;

/** The legacy store's engine (MongoDB), if this installation has one. */
public interface LegacyStore extends Engine {

    /** The legacy store's ports, or empty for {@code statspipe.legacy.engine = none}. */
    Optional<Ports> ports();

    /** The connection string and database, for topology workers that build their own client. */
    Optional<String[]> uriAndDatabase();

    /** The legacy store's ports over one MongoDB database. */
    record Ports(WritePartialsPort writes, QueryAggregatesPort queries, ReadBucketsPort reads, LegacyHistoryPort history,
                 DeletePointsPort deletion, MongoClient client) implements AutoCloseable {

        static Ports connect(String uri, String database) {
            MongoClient client = MongoClients.create(uri);
            MongoDatabase db = client.getDatabase(database);
            LegacyHistoryReader reader = new LegacyHistoryReader(db);
            return new Ports(new LegacyPartialWriter(db), new LegacyQueries(db), reader, reader, new LegacyDeletion(db), client);
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
