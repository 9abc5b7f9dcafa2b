package io.statspipe.adapter.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.ports.out.DayRange;
import io.statspipe.ports.out.LegacyHistoryPort.LegacyDocument;
import io.statspipe.ports.out.ScanReport;
import io.statspipe.ports.out.StoredBucket;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LegacyHistoryGeneratorTest extends LegacyStoreTestBase {
    private static final LocalDate FRIDAY = LocalDate.parse("2026-11-27");
    private static final LegacyHistoryGenerator.Plan PLAN = new LegacyHistoryGenerator.Plan(FRIDAY, 2, 4, 2, 150, 42);

    @Test
    void generatedHistoryIsReadBackAsOneDocumentPerSeriesAndDayWithEveryCount() {
        LegacyHistoryGenerator.Summary summary = LegacyHistoryGenerator.generate(PLAN, new LegacyEventWriter(database));
        List<LegacyDocument> docs = new ArrayList<>();

        ScanReport report = new LegacyHistoryReader(database).scan(new DayRange(FRIDAY, FRIDAY.plusDays(1)), "", "", docs::add);

        long expectedCounts = 0;
        long expectedEvents = 0;
        for (int d = 0; d < PLAN.days(); d++) {
            for (Event e : LegacyHistoryGenerator.eventsOfDay(PLAN, d)) {
                expectedCounts += e.kind() == Kind.COUNTER ? e.increment() : e.weight();
                expectedEvents++;
            }
        }
        assertThat(summary).isEqualTo(new LegacyHistoryGenerator.Summary(expectedEvents, expectedCounts, 2, 6));
        assertThat(report.documents()).isEqualTo(2 * 6);
        assertThat(report.skipped()).isEmpty();
        for (Resolution r : List.of(Resolution.MINUTE, Resolution.HOUR)) {
            assertThat(docs.stream().flatMap(d -> d.buckets().stream()).filter(b -> b.resolution().equals(r))
                    .mapToLong(b -> b.aggregate().count()).sum()).as("counts in %s buckets", r).isEqualTo(expectedCounts);
        }
        assertThat(docs.stream().flatMap(d -> d.buckets().stream()).map(StoredBucket::series).distinct())
                .containsExactlyInAnyOrderElementsOf(PLAN.series());
    }

    @Test
    void theSamePlanGivesTheSameEventsAndAnotherSeedOthers() {
        assertThat(LegacyHistoryGenerator.eventsOfDay(PLAN, 1)).isEqualTo(LegacyHistoryGenerator.eventsOfDay(PLAN, 1));
        LegacyHistoryGenerator.Plan otherSeed = new LegacyHistoryGenerator.Plan(FRIDAY, 2, 4, 2, 150, 43);
        assertThat(LegacyHistoryGenerator.eventsOfDay(otherSeed, 1)).isNotEqualTo(LegacyHistoryGenerator.eventsOfDay(PLAN, 1));
    }

    @Test
    void trafficFollowsTheDayAndWeekendsAreQuieter() {
        LegacyHistoryGenerator.Plan big = new LegacyHistoryGenerator.Plan(FRIDAY, 2, 10, 0, 5_000, 1);
        long[] perHour = new long[24];
        List<Event> friday = LegacyHistoryGenerator.eventsOfDay(big, 0);
        friday.forEach(e -> perHour[LegacySchema.hourOfDay(e.timestamp())]++);
        List<Event> saturday = LegacyHistoryGenerator.eventsOfDay(big, 1);

        assertThat(perHour[15]).isGreaterThan(4 * perHour[3]);
        assertThat(saturday.size()).isLessThan(friday.size() * 8 / 10);
        assertThat(friday).isSortedAccordingTo((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
    }

    @Test
    void aPlanWithoutSeriesIsRefused() {
        assertThatThrownBy(() -> new LegacyHistoryGenerator.Plan(FRIDAY, 1, 0, 0, 10, 1))
                .isInstanceOf(InvalidStatException.class).hasMessageContaining("at least one series");
    }
}
