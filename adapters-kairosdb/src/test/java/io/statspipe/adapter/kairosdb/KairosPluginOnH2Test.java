package io.statspipe.adapter.kairosdb;

import org.junit.jupiter.api.extension.RegisterExtension;

/** statspipe's KairosDB plugin in a real KairosDB on H2, started once for the class. */
class KairosPluginOnH2Test extends KairosPluginContract {
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onH2();

    @Override
    String kairosUrl() {
        return KAIROS.httpUrl();
    }
}
