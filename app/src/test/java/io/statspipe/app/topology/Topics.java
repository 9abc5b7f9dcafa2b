package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.TopicLayout;

/** Creates the topics, retrying while a just-created topic is not yet known to the broker's metadata. */
final class Topics {
    private Topics() {
    }

    static void ensure(String bootstrapServers, int partitions) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                TopicLayout.of(partitions, 1).ensureExists(bootstrapServers);
                return;
            } catch (IllegalStateException e) {
                if (attempt == 10) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }
}
