package io.statspipe.adapter.kafka;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way statspipe creates Kafka topics (the events and dead-letter topics of
 * {@link TopicLayout}, the migration's compacted topics, and those the wiring, the benchmarks and
 * the tests set up): a topic that exists is left as it is, a missing one is created, and the call
 * returns once every partition of each has a leader. A produce request that arrives before
 * (NOT_LEADER_OR_FOLLOWER) can leave an idempotent producer retrying out-of-order sequences for
 * minutes, and a topic just created is not known to every part of the broker at once: so what
 * Kafka answers with a retriable error is asked again ({@link #ask}), with a deadline.
 */
public final class KafkaTopics {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);
    /** How long one request to Kafka may take. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** How long a topic just created may stay unknown or without leaders, and the waits between two looks. */
    static final Duration SETTLED_WITHIN = Duration.ofSeconds(30);
    private static final Duration FIRST_DELAY = Duration.ofMillis(50);
    private static final Duration MAX_DELAY = Duration.ofSeconds(1);

    private KafkaTopics() {
    }

    /** A call to Kafka's admin client that waits for its answer. */
    @FunctionalInterface
    public interface KafkaCall<T> {
        T call() throws ExecutionException, TimeoutException, InterruptedException;
    }

    /**
     * Creates those of {@code wanted} that are missing, with an admin client of its own.
     *
     * @throws IllegalStateException naming the topics when they cannot be created
     */
    public static void ensure(String bootstrapServers, Map<String, String> clientProperties, Collection<NewTopic> wanted) {
        Admin admin = open(bootstrapServers, clientProperties);
        try {
            ensure(admin, wanted);
        } finally {
            admin.close(Duration.ZERO); // do not linger on calls an unreachable cluster will never answer
        }
    }

    /**
     * Creates those of {@code wanted} that are missing and returns once every partition of each
     * has a leader (or {@link #SETTLED_WITHIN} passed).
     *
     * @throws IllegalStateException naming the topics when they cannot be created
     */
    public static void ensure(Admin admin, Collection<NewTopic> wanted) {
        List<String> names = wanted.stream().map(NewTopic::name).toList();
        try {
            Set<String> existing = ask(() -> admin.listTopics().names().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                try {
                    ask(() -> admin.createTopics(missing).all().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
                    LOG.info("created topics {}", missing.stream()
                            .map(t -> t.name() + " (" + t.numPartitions() + " partitions, replication " + t.replicationFactor() + ")")
                            .toList());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(admin, names);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + names + ": " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + names + ": Kafka did not answer within "
                    + REQUEST_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + names, e);
        }
    }

    /**
     * A compacted topic of one partition for state kept by key, replicated on up to three brokers
     * (as many as the cluster has), with {@code config} on top of the compaction settings.
     */
    public static NewTopic compacted(Admin admin, String name, Map<String, String> config)
            throws ExecutionException, TimeoutException, InterruptedException {
        int brokers = ask(() -> admin.describeCluster().nodes().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).size();
        short replication = (short) Math.min(3, brokers);
        Map<String, String> configs = new HashMap<>(config);
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        configs.putIfAbsent(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.max(1, replication - 1)));
        return new NewTopic(name, 1, replication).configs(configs);
    }

    /**
     * Creates the compacted topic {@code topic} ({@link #compacted}) when it is missing, with an
     * admin client of its own.
     *
     * @throws IllegalStateException naming the topic when it cannot be created
     */
    public static void ensureCompacted(String bootstrapServers, Map<String, String> clientProperties, String topic,
                                       Map<String, String> config) {
        Admin admin = open(bootstrapServers, clientProperties);
        try {
            ensure(admin, List.of(compacted(admin, topic, config)));
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topic " + topic + " at " + bootstrapServers + ": " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + " for topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    /** An admin client for topic set-up: short timeouts, so an unreachable cluster is reported, not waited for. */
    public static Admin open(String bootstrapServers, Map<String, String> clientProperties) {
        Map<String, Object> config = new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
        config.putAll(clientProperties);
        return Admin.create(config);
    }

    /**
     * Runs {@code call}, again while Kafka answers with a retriable error (a topic not known yet,
     * a leader moving), for at most {@link #SETTLED_WITHIN}; any other failure is thrown at once.
     * A call that got no answer at all within the admin client's own timeout is not asked again:
     * a cluster that does not answer (down, or a listener that wants TLS or SASL) is named at once.
     */
    public static <T> T ask(KafkaCall<T> call) throws ExecutionException, TimeoutException, InterruptedException {
        RetryPolicy<T> untilKnown = RetryPolicy.<T>builder()
                .handleIf(e -> e instanceof ExecutionException && e.getCause() instanceof RetriableException
                        && !(e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException))
                .withBackoff(FIRST_DELAY, MAX_DELAY)
                .withMaxRetries(-1)
                .withMaxDuration(SETTLED_WITHIN)
                .build();
        return retried(untilKnown, call);
    }

    private static void awaitLeaders(Admin admin, List<String> names)
            throws ExecutionException, TimeoutException, InterruptedException {
        RetryPolicy<Map<String, TopicDescription>> untilLed = RetryPolicy.<Map<String, TopicDescription>>builder()
                .handleResultIf(described -> !described.values().stream().flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty()))
                .withBackoff(FIRST_DELAY, MAX_DELAY)
                .withMaxRetries(-1)
                .withMaxDuration(SETTLED_WITHIN)
                .build();
        retried(untilLed, () -> ask(() -> admin.describeTopics(names).allTopicNames()
                .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)));
    }

    /** Runs {@code call} under {@code policy}, throwing what the last try threw as it was thrown. */
    private static <T> T retried(RetryPolicy<T> policy, KafkaCall<T> call)
            throws ExecutionException, TimeoutException, InterruptedException {
        try {
            return Failsafe.with(policy).get(call::call);
        } catch (FailsafeException e) {
            if (e.getCause() instanceof ExecutionException cause) {
                throw cause;
            }
            if (e.getCause() instanceof TimeoutException cause) {
                throw cause;
            }
            if (e.getCause() instanceof InterruptedException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
