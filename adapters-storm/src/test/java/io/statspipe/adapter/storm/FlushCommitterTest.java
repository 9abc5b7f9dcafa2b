package io.statspipe.adapter.storm;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.Partial;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.ports.fixtures.InMemoryAggregateStore;
import io.statspipe.ports.fixtures.InMemoryFlushIntents;
import io.statspipe.ports.out.ContentRefusedException;
import io.statspipe.ports.out.DeadLetter;
import io.statspipe.ports.out.DurabilityCheck;
import io.statspipe.ports.out.WritePartialsPort;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A partial whose content the store refuses is set aside to the dead letters with its identity
 * and the store's reason; the rest of its flush is written and completed, and a replay of the
 * flush sets aside the same partial the same way.
 */
class FlushCommitterTest {
    static final long T0 = 1_700_000_000_000L;

    /** Refuses, as a store refuses content, every batch holding a partial of the metric {@code refused}. */
    static final class RefusingStore implements WritePartialsPort {
        final InMemoryAggregateStore stored = new InMemoryAggregateStore();
        final AtomicInteger refusals = new AtomicInteger();

        @Override
        public void write(List<Partial> partials) {
            if (partials.stream().anyMatch(p -> p.id().series().metric().equals("refused"))) {
                refusals.incrementAndGet();
                throw new ContentRefusedException("400: value of 'refused' not accepted", "[the request]", null);
            }
            stored.write(partials);
        }
    }

    @Test
    void aRefusedPartialGoesToTheDeadLettersAndTheRestOfItsFlushCompletesTheSameWayOnAReplay() {
        TextBatchFormat format = new TextBatchFormat();
        PartitionCounter counter = new PartitionCounter(2, RuleSet.defaults(), RollupSettings.DEFAULTS, format, 300_000,
                10_000);
        List<Event> events = new ArrayList<>(counters("good.n", 40));
        events.add(20, Event.counter(Series.of("refused"), T0, 7));
        counter.offer(0, T0, format.encode(new EventBatch(new BatchId("a", 1), events)));
        counter.offer(1, T0, "garbage".getBytes(StandardCharsets.UTF_8));
        PendingFlush flush = counter.cut().orElseThrow();

        RefusingStore store = new RefusingStore();
        InMemoryFlushIntents intents = new InMemoryFlushIntents();
        List<DeadLetter> deadLetters = new ArrayList<>();
        PipelineHealth health = new PipelineHealth();
        CommitRetries quick = new CommitRetries(Duration.ofMillis(1), Duration.ofMillis(1));
        try (FlushCommitter committer = new FlushCommitter(intents, store, store.stored::unconfirmed, deadLetters::addAll, health,
                quick, "commit-test")) {
            assertThat(committer.commit(flush)).isTrue();
        }

        List<Partial> good = flush.flush().partials().stream().filter(p -> p.id().series().metric().startsWith("good.")).toList();
        assertThat(good).hasSize(80); // 40 series, a minute and an hour each
        assertThat(store.stored.unconfirmed(good)).isEmpty();
        assertThat(store.stored.storedPoints()).isEqualTo(80);
        assertThat(intents.latest("p2").orElseThrow().completed()).isTrue();
        assertThat(deadLetters).hasSize(3);
        assertThat(deadLetters.get(0).reason()).contains("undecodable record");
        List<DeadLetter> partials = deadLetters.subList(1, 3);
        assertThat(partials).allSatisfy(d -> {
            assertThat(d.reason()).isEqualTo("store refused the partial: 400: value of 'refused' not accepted");
            assertThat(d.partial().orElseThrow()).startsWith("refused{} counter ").contains("from p2 flush 0");
            assertThat(d.payload()).asString(StandardCharsets.UTF_8).isEqualTo("[the request]");
            assertThat(d.key().orElseThrow()).startsWith("partial refused{} counter");
        });
        assertThat(partials).extracting(d -> d.partial().orElseThrow()).anyMatch(p -> p.contains(" 1m bucket "))
                .anyMatch(p -> p.contains(" 1h bucket "));
        assertThat(health.snapshot().partialsRefused()).isEqualTo(2);
        assertThat(health.snapshot().partialsWritten()).isEqualTo(80);
        // Each refused partial was tried alone three times before it was set aside.
        int refusalsFirstPass = store.refusals.get();
        assertThat(refusalsFirstPass).isGreaterThanOrEqualTo(2 * FlushCommitter.REFUSALS_BEFORE_DEAD_LETTER);

        List<DeadLetter> replayed = new ArrayList<>();
        try (FlushCommitter replay = new FlushCommitter(intents, store, store.stored::unconfirmed, replayed::addAll,
                new PipelineHealth(), quick, "replay-test")) {
            assertThat(replay.commit(flush)).isTrue();
        }
        assertThat(replayed).isEqualTo(deadLetters);
        assertThat(store.stored.storedPoints()).isEqualTo(80);
        assertThat(store.refusals.get()).isEqualTo(2 * refusalsFirstPass);
    }

    @Test
    @Timeout(60) // a look that never confirms would keep the commit going
    void eachLookAtTheStoreAsksOnlyForWhatTheLookBeforeLeftUnconfirmed() {
        PendingFlush flush = flushOf(new TextBatchFormat(), 0, counters("page.n", 40));
        int partials = flush.flush().partials().size(); // 40 series, a minute and an hour each
        InMemoryAggregateStore stored = new InMemoryAggregateStore();
        // a store whose points become readable 25 at a time, one batch per look
        List<Integer> asked = new ArrayList<>();
        DurabilityCheck slowlyReadable = looked -> {
            asked.add(looked.size());
            assertThat(stored.unconfirmed(looked)).isEmpty(); // written before anything is looked at
            return looked.subList(Math.min(25, looked.size()), looked.size());
        };
        InMemoryFlushIntents intents = new InMemoryFlushIntents();
        CommitRetries quick = new CommitRetries(Duration.ofMillis(1), Duration.ofMillis(1));
        try (FlushCommitter committer = new FlushCommitter(intents, stored, slowlyReadable, letters -> { }, new PipelineHealth(),
                quick, "commit-test")) {
            assertThat(committer.commit(flush)).isTrue();
        }
        List<Integer> expected = new ArrayList<>();
        for (int left = partials; left > 0; left -= 25) {
            expected.add(left);
        }
        assertThat(partials).isEqualTo(80);
        assertThat(asked).isEqualTo(expected);
        assertThat(intents.latest("p0").orElseThrow().completed()).isTrue();
    }

    @Test
    void aPartitionsFlushDoesNotWaitForAnotherPartitionsCommit() throws Exception {
        TextBatchFormat format = new TextBatchFormat();
        CountDownLatch slowMayWrite = new CountDownLatch(1);
        InMemoryAggregateStore stored = new InMemoryAggregateStore();
        WritePartialsPort store = partials -> {
            if (partials.stream().anyMatch(p -> p.id().series().metric().equals("slow"))) {
                try {
                    slowMayWrite.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            stored.write(partials);
        };
        PendingFlush slow = flushOf(format, 0, "slow");
        PendingFlush fast = flushOf(format, 1, "fast");
        CommitRetries quick = new CommitRetries(Duration.ofMillis(1), Duration.ofMillis(1));
        try (FlushCommitter committer = new FlushCommitter(new InMemoryFlushIntents(), store, stored::unconfirmed, letters -> { },
                new PipelineHealth(), quick, "commit-test")) {
            committer.submit(slow);
            committer.submit(fast);

            List<PendingFlush> completed = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> drain(committer, completed).contains(fast));
            assertThat(completed).containsExactly(fast); // while the other partition's write still waits
            slowMayWrite.countDown();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> drain(committer, completed).contains(slow));
            assertThat(stored.unconfirmed(slow.flush().partials())).isEmpty();
            assertThat(stored.unconfirmed(fast.flush().partials())).isEmpty();
        }
    }

    @Test
    void aFlushOfAPartitionAnotherOwnerClaimedWritesNothingAndIsReportedTakenOver() throws Exception {
        TextBatchFormat format = new TextBatchFormat();
        InMemoryAggregateStore stored = new InMemoryAggregateStore();
        InMemoryFlushIntents zombie = new InMemoryFlushIntents();
        zombie.claim("p0");
        PendingFlush flush = flushOf(format, 0, "page.views");
        zombie.anotherOwner().claim("p0");

        CommitRetries quick = new CommitRetries(Duration.ofMillis(1), Duration.ofMillis(1));
        try (FlushCommitter committer = new FlushCommitter(zombie, stored, stored::unconfirmed, letters -> { },
                new PipelineHealth(), quick, "commit-test")) {
            committer.submit(flush);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> committer.pollTakenOver() == flush);
            assertThat(committer.pollCompleted()).isNull();
        }
        assertThat(stored.storedPoints()).isZero();
        assertThat(zombie.latest("p0")).isEmpty();
    }

    private static PendingFlush flushOf(TextBatchFormat format, int partition, String metric) {
        return flushOf(format, partition, List.of(Event.counter(Series.of(metric), T0, 1)));
    }

    private static PendingFlush flushOf(TextBatchFormat format, int partition, List<Event> events) {
        PartitionCounter counter = new PartitionCounter(partition, RuleSet.defaults(), RollupSettings.DEFAULTS, format, 300_000,
                10_000);
        counter.offer(0, T0, format.encode(new EventBatch(new BatchId("a", 1), events)));
        return counter.cut().orElseThrow();
    }

    /** One count on each of {@code series} series named {@code prefix} and a number. */
    private static List<Event> counters(String prefix, int series) {
        List<Event> events = new ArrayList<>();
        for (int s = 0; s < series; s++) {
            events.add(Event.counter(Series.of(prefix + s), T0 + s, 1 + s));
        }
        return events;
    }

    private static List<PendingFlush> drain(FlushCommitter committer, List<PendingFlush> into) {
        for (PendingFlush done = committer.pollCompleted(); done != null; done = committer.pollCompleted()) {
            into.add(done);
        }
        return into;
    }
}
