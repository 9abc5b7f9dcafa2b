package io.statspipe.adapter.kairosdb;

import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** statspipe's KairosDB plugin in a real KairosDB on H2, started once for the class. */
class KairosPluginOnH2Test extends KairosPluginContract {
    @TempDir
    static Path dir;
    LocalKairosDb kairos;

    @Override
    void start() {
        kairos = LocalKairosDb.builder().dataDir(dir.resolve("kairosdb")).h2().build().start();
    }

    @Override
    void stop() {
        if (kairos != null) {
            kairos.stop();
        }
    }

    @Override
    String kairosUrl() {
        return kairos.httpUrl();
    }
}
