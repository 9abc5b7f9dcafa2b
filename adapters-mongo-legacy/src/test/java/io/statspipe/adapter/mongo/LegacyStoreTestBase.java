package io.statspipe.adapter.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One MongoDB-protocol server on 127.0.0.1 per test class, the real driver, a fresh database per test. */
abstract class LegacyStoreTestBase {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    @RegisterExtension
    static final LegacyMongoExtension MONGO = new LegacyMongoExtension();
    @AutoClose
    static MongoClient client;
    MongoDatabase database;

    @BeforeAll
    static void connect() {
        client = MongoClients.create(MONGO.connectionString());
    }

    @BeforeEach
    void freshDatabase() {
        database = client.getDatabase("legacy" + DATABASES.incrementAndGet());
    }

    MongoCollection<Document> statsDaily() {
        return database.getCollection(LegacySchema.COLLECTION);
    }

    Document document(String id) {
        return statsDaily().find(new Document("_id", id)).first();
    }
}
