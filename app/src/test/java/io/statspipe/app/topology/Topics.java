package io.statspipe.app.topology;

import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.kafka.TopicLayout;
import java.time.Duration;

/** Creates the topics, retrying while a just-created topic is not yet known to the broker's metadata. */
final class Topics {
    private Topics() {
    }

    static void ensure(String bootstrapServers, int partitions) {
        await("statspipe's topics with " + partitions + " partitions").atMost(Duration.ofSeconds(10))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> {
                    TopicLayout.of(partitions, 1).ensureExists(bootstrapServers);
                    return true;
                });
    }
}
