package io.statspipe.adapter.kairosdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What LocalKairosDb tells KairosDB about its Cassandra: one node, or a ring at RF 3 and QUORUM (docs/RING.md). */
class LocalKairosDbConfigurationTest {
    private static final Path DIR = Path.of("kairos");

    @Test
    void aRingIsReachedThroughEveryGivenNodeWithItsReplicationFactorAndQuorumReadsAndWrites() {
        LocalKairosDb kairos = LocalKairosDb.builder().dataDir(DIR)
                .cassandraRing(List.of("10.0.0.11:9042", "10.0.0.12:9042", "10.0.0.13:9042"), 3).build();

        String conf = kairos.configuration(DIR);

        assertThat(conf).contains("kairosdb.datastore.cassandra.write_cluster.cql_host_list: "
                        + "[\"10.0.0.11:9042\", \"10.0.0.12:9042\", \"10.0.0.13:9042\"]\n")
                .contains("kairosdb.datastore.cassandra.write_cluster.replication: "
                        + "\"{'class': 'SimpleStrategy', 'replication_factor': 3}\"\n")
                .contains("kairosdb.datastore.cassandra.write_cluster.read_consistency_level: \"QUORUM\"\n")
                .contains("kairosdb.datastore.cassandra.write_cluster.write_consistency_level: \"QUORUM\"\n");
    }

    @Test
    void aSingleNodeKeepsKairosDbsReplicationAndWritesAtOne() {
        LocalKairosDb kairos = LocalKairosDb.builder().dataDir(DIR).cassandra("127.0.0.1:9042").build();

        String conf = kairos.configuration(DIR);

        assertThat(conf).contains("write_cluster.cql_host_list: [\"127.0.0.1:9042\"]\n")
                .contains("write_cluster.write_consistency_level: \"ONE\"\n")
                .doesNotContain("replication").doesNotContain("QUORUM");
    }

    @Test
    void aRingWithAHostWithoutPortOrNoReplicationIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> LocalKairosDb.builder().dataDir(DIR)
                .cassandraRing(List.of("10.0.0.11:9042", "10.0.0.12"), 3).config())
                .hasMessageContaining("cassandraHost as host:port").hasMessageContaining("'10.0.0.11:9042,10.0.0.12'");
        assertThatThrownBy(() -> LocalKairosDb.builder().dataDir(DIR).cassandraRing(List.of("10.0.0.11:9042"), 0).config())
                .hasMessageContaining("replicationFactor").hasMessageContaining("got 0");
    }
}
