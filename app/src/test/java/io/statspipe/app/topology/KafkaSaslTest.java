package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.kafka.AgentSettings;
import io.statspipe.adapter.kafka.EventsConsumer;
import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.kafka.KafkaTopics;
import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosDbExtension;
import io.statspipe.adapter.kairosdb.KairosMapping;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.storm.KafkaFlushIntents;
import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.app.config.ConfigurationException;
import io.statspipe.app.config.Settings;
import io.statspipe.app.config.SettingsLoader;
import io.statspipe.app.wiring.EngineModules;
import io.statspipe.app.wiring.EventLog;
import io.statspipe.app.wiring.TopologyWiring;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.service.QueryStatsService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real KRaft broker whose client listener takes only SASL_PLAINTEXT with PLAIN, a real
 * LocalCluster and a real KairosDB (H2): with {@code statspipe.event-log.client} holding the
 * credentials, every Kafka client statspipe makes gets through (the agent's producers and admin,
 * the topology's spout, flush intents, range reads and dead letters), from the configuration
 * through the wiring; with a wrong password each says it could not authenticate, and without the
 * block start-up names the block to configure.
 */
class KafkaSaslTest {
    static final int PARTITIONS = 2;
    static final String USER = "statspipe";
    static final String PASSWORD = "sasl-pw-42";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.withSaslPlain(Map.of(USER, PASSWORD));
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onH2();
    @TempDir
    static Path dir;
    static LocalTopologyRunner topology;
    static StoreAndForwardAgent agent;
    static Settings settings;
    static Map<String, String> client;

    static RuleSet rules() {
        return new RuleSet(List.of(RollupRule.identity("raw", List.of(Resolution.MINUTE))));
    }

    /** The configuration an operator writes: an external cluster, and the block with its credentials. */
    static Settings configured(String bootstrapServers, Map<String, String> clientBlock) {
        Map<String, String> keys = new HashMap<>(Map.of("statspipe.event-log.engine", "kafka",
                "statspipe.event-log.bootstrap-servers", bootstrapServers,
                "statspipe.event-log.partitions", String.valueOf(PARTITIONS), "statspipe.data-dir", dir.toString()));
        clientBlock.forEach((k, v) -> keys.put("statspipe.event-log.client." + k, v));
        return SettingsLoader.load(Optional.empty(), Map.of(), new Properties(), keys);
    }

    @BeforeAll
    static void start() throws Exception {
        settings = configured(KAFKA.bootstrapServers(), LocalKafkaBroker.saslPlainClient(USER, PASSWORD));
        client = settings.eventLog().client().properties();
        EngineModules.injector(settings).getInstance(EventLog.class).start(); // creates the topics, as 'up' does
        TopologySettings topologySettings = TopologyWiring.settings(settings, KAFKA.bootstrapServers()).withName("sasl")
                .withFlushInterval(Duration.ofSeconds(1)).withCoarseFlushInterval(Duration.ofSeconds(2));
        assertThat(topologySettings.kafkaClientProperties()).isEqualTo(client);
        topology = LocalTopologyRunner.start(topologySettings, KairosTopologyPlugs.of(KAIROS.httpUrl(), KafkaSaslTest::rules),
                dir.resolve("storm"));
        agent = StoreAndForwardAgent.start(AgentSettings.of(KAFKA.bootstrapServers(), TopicLayout.of(PARTITIONS, 1),
                SpoolSettings.defaults(dir.resolve("spool"))).withClientProperties(client));
    }

    /** The clients, before the extensions close the engines: a client closing after its broker waits for it in vain. */
    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable engine : new AutoCloseable[] {agent, topology}) {
            if (engine != null) {
                engine.close();
            }
        }
    }

    @Test
    void theAgentAndTheTopologyCountThroughTheSaslListener() throws Exception {
        long t0 = System.currentTimeMillis() - 10 * 60_000L;
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            events.add(Event.counter(Series.of("sasl.views", "tenant", "acme", "page", "p" + i % 4), t0 + i * 100L, 2));
        }
        agent.publish(events);
        agent.refuse("sasl.views:1|x".getBytes(StandardCharsets.UTF_8), "unknown type 'x'", "test");
        Map<String, Object> producer = new HashMap<>(client);
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(producer, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(TopicLayout.EVENTS, 0, null, "garbage".getBytes(StandardCharsets.UTF_8))).get();
        }

        try (EventsConsumer consumer = new EventsConsumer(KAFKA.bootstrapServers(), TopicLayout.EVENTS,
                new ProtobufEventBatchFormat(), client)) {
            List<Integer> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).batches().forEach(b -> read.add(b.batch().events().size()));
                return read.stream().mapToInt(Integer::intValue).sum() == events.size();
            });
        }
        try (KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(KAIROS.httpUrl())
                .withMapping(KairosMapping.forRules(rules())))) {
            QueryStatsService queries = new QueryStatsService(store, 1_000_000);
            StatsQuery query = StatsQuery.of("sasl.views", Kind.COUNTER, new TimeRange(t0 - 3_600_000L, t0 + 3_600_000L),
                    Resolution.MINUTE, Aggregation.SUM);
            await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(queries.query(query).stream().flatMap(r -> r.points().stream())
                            .mapToDouble(p -> p.value()).sum()).isEqualTo(80.0));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<DeadLetterTopic.Letter> letters = DeadLetterTopic.readAll(KAFKA.bootstrapServers(), client);
            assertThat(letters).anySatisfy(l -> {
                assertThat(l.value()).isEqualTo("sasl.views:1|x");
                assertThat(l.reason()).isEqualTo("unknown type 'x'");
            });
            assertThat(letters).anySatisfy(l -> {
                assertThat(l.value()).isEqualTo("garbage");
                assertThat(l.reason()).contains("undecodable record");
            });
        });
        // once a flush is complete, its task reads the partition's end offset with its range source to tell the lag
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(topology.health().lagByPartition()).isNotEmpty());
    }

    @Test
    void aWrongPasswordIsAnAuthenticationErrorInEveryClient() {
        Map<String, String> wrong = LocalKafkaBroker.saslPlainClient(USER, "not-" + PASSWORD);
        assertThatThrownBy(() -> TopicLayout.of(PARTITIONS, 1).ensureExists(KAFKA.bootstrapServers(), wrong))
                .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                .rootCause().hasMessageContaining("Invalid username or password");
        assertThatThrownBy(() -> new EventsConsumer(KAFKA.bootstrapServers(), TopicLayout.EVENTS, new ProtobufEventBatchFormat(),
                wrong).close())
                .isInstanceOf(SaslAuthenticationException.class);
        assertThatThrownBy(() -> KafkaTopics.ensureCompacted(KAFKA.bootstrapServers(), wrong, "sasl.flush-intents",
                KafkaFlushIntents.TOPIC_CONFIG))
                .hasRootCauseInstanceOf(SaslAuthenticationException.class);
        assertThatThrownBy(() -> {
            try (KafkaFlushIntents intents = new KafkaFlushIntents(KAFKA.bootstrapServers(), "sasl.flush-intents", wrong)) {
                intents.claim("p0");
            }
        }).isInstanceOf(EngineUnavailableException.class).hasRootCauseInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void withoutTheClientBlockStartUpNamesIt() {
        Settings plain = configured(KAFKA.bootstrapServers(), Map.of());
        EventLog eventLog = EngineModules.injector(plain).getInstance(EventLog.class);
        assertThatThrownBy(eventLog::start)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.event-log.bootstrap-servers = '" + KAFKA.bootstrapServers() + "'")
                .hasMessageContaining("if the brokers' listeners need TLS or SASL, configure statspipe.event-log.client");
    }
}
