package io.statspipe.archfixture.app;

import io.statspipe.archfixture.ports.out.StorePort;

/** Breaks "app implements no outbound port": a store implementation inside app. */
public final class FileStore implements StorePort {
    @Override
    public void write(String value) {
    }
}
