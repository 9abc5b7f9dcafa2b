package io.statspipe.adapter.mongo;

import io.statspipe.ports.testkit.EngineExtension;

/** A MongoDB-protocol server in memory on 127.0.0.1, once per test class (see {@link EngineExtension}). */
public final class LegacyMongoExtension extends EngineExtension<LegacyMongoServer> {

    public LegacyMongoExtension() {
        super("mongo", folder -> LegacyMongoServer.inMemory().start());
    }

    public String connectionString() {
        return engine().connectionString();
    }
}
