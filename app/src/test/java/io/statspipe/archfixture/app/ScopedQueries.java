package io.statspipe.archfixture.app;

import io.statspipe.archfixture.ports.in.QueryUseCase;

/** Breaks "app implements no inbound port": a use case, held to one tenant, written inside app. */
public final class ScopedQueries implements QueryUseCase {
    @Override
    public long query(String metric) {
        return 0;
    }
}
