package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.kairosdb.KairosDbExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault-injection matrix's chosen-kill-points cell: {@link FaultInjectionContract}'s traffic
 * and comparison on KairosDB over Cassandra, with the topology halting itself (exit 137, as
 * {@code kill -9}) once at each {@link KillPoint} in turn — after begin, mid-write, after write
 * before complete, after complete — then killed five times at random. The traffic is paced
 * slower (350 ms between sends, about two and a half minutes) so that it flows through all
 * nine kills. About five minutes, so it runs on request ({@code -Dstatspipe.faults.matrix=true}).
 */
@EnabledIfSystemProperty(named = "statspipe.faults.matrix", matches = "true")
class FaultMatrixTest {
    @TempDir
    static Path dir;
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onCassandra();

    @Test
    void topologyHaltedAtEachChosenPointOfTheFlushAndAtRandomStoresEveryBucketExactly() throws Exception {
        FaultInjectionContract.run(KAFKA.engine(), KAIROS.httpUrl(), dir, "matrix",
                List.of(KillPoint.AFTER_BEGIN, KillPoint.MID_WRITE, KillPoint.AFTER_WRITE, KillPoint.AFTER_COMPLETE), 350);
    }
}
