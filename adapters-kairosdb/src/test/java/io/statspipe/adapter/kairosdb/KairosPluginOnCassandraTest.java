package io.statspipe.adapter.kairosdb;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * statspipe's KairosDB plugin in a real KairosDB on a real Cassandra node (KairosDB's production
 * datastore, which stores the plugin's binary values as they are), started once for the class.
 */
class KairosPluginOnCassandraTest extends KairosPluginContract {
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onCassandra();

    @Override
    String kairosUrl() {
        return KAIROS.httpUrl();
    }
}
