package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.KafkaDeadLetters;
import io.statspipe.adapter.kafka.KafkaTopics;
import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosReadBack;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.domain.RuleSet;
import io.statspipe.ports.out.DurabilityCheck;

/**
 * Wires the topology's ports to engines: the Kafka wire format, the KairosDB store, and the
 * read-back that tells when KairosDB's points are durable. Each factory captures only strings,
 * so Storm can serialize it into every worker.
 */
public final class KairosTopologyPlugs {
    private KairosTopologyPlugs() {
    }

    /** The read-back of a flush's points from the KairosDB at {@code kairosUrl}, under the default rules. */
    public static DurabilityCheck readBackAt(String kairosUrl) {
        return readBackAt(kairosUrl, RuleSet.defaults());
    }

    /** The read-back of a flush's points, found where {@code rules} write them. */
    public static DurabilityCheck readBackAt(String kairosUrl, RuleSet rules) {
        return new KairosReadBack(storeConfig(kairosUrl, rules));
    }

    public static TopologyPlugs of(String kairosUrl) {
        return of(kairosUrl, RuleSet::defaults);
    }

    /** With the rule set {@code rules} builds (in each worker). */
    public static TopologyPlugs of(String kairosUrl, TopologyPlugs.Factory<RuleSet> rules) {
        return new TopologyPlugs(rules, ProtobufEventBatchFormat::new,
                () -> new KairosAggregateStore(storeConfig(kairosUrl, rules.get())),
                () -> readBackAt(kairosUrl, rules.get()), KafkaDeadLetters::new, KafkaTopics::ensureCompacted);
    }

    private static KairosStoreConfig storeConfig(String kairosUrl, RuleSet rules) {
        return KairosStoreConfig.forRules(kairosUrl, rules);
    }
}
