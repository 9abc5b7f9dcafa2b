package io.statspipe.adapter.mongo;

import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Series;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes days of realistic legacy history through the old pipeline's per-event writer: counter
 * series ({@code web.views}, {@code web.clicks}, {@code app.signups} per site) and timing series
 * ({@code api.latency} per route), with a diurnal traffic shape (quiet at 03:00 UTC, busiest at
 * 15:00 UTC), quieter weekends, series of different popularity, and timings that slow down as
 * traffic grows. The same plan (seed included) always gives the same events, day by day.
 *
 * <pre>{@code
 * var plan = new LegacyHistoryGenerator.Plan(LocalDate.parse("2026-11-01"), 7, 20, 5, 2_000, 42);
 * LegacyHistoryGenerator.Summary written = LegacyHistoryGenerator.generate(plan, new LegacyEventWriter(db));
 * }</pre>
 */
public final class LegacyHistoryGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyHistoryGenerator.class);
    private static final String[] COUNTERS = {"web.views", "web.clicks", "app.signups"};
    private static final String[] ROUTES = {"home", "login", "search", "checkout", "profile"};
    /** Amplitude of the daily wave: the busiest minute sees (1 + A) / (1 - A) = 9 times the quietest's traffic. */
    private static final double DIURNAL_AMPLITUDE = 0.8;
    private static final int PEAK_MINUTE = 15 * 60;
    private static final double WEEKEND_FACTOR = 0.7;
    private static final double[] CUMULATIVE_SHAPE = cumulativeShape();

    /**
     * What to generate: {@code days} UTC days from {@code firstDay}, that many counter and timing
     * series, about {@code eventsPerSeriesPerDay} events per series on a weekday, from {@code seed}.
     */
    public record Plan(LocalDate firstDay, int days, int counterSeries, int timingSeries, int eventsPerSeriesPerDay,
                       long seed) {
        public Plan {
            if (firstDay == null) {
                throw new InvalidStatException("history plan needs a first day");
            }
            if (days < 1 || days > 3_660) {
                throw new InvalidStatException("history plan days must be 1 to 3660, got " + days);
            }
            if (counterSeries < 0 || timingSeries < 0 || counterSeries + timingSeries == 0) {
                throw new InvalidStatException("history plan needs at least one series, got " + counterSeries
                        + " counter and " + timingSeries + " timing series");
            }
            if (eventsPerSeriesPerDay < 1) {
                throw new InvalidStatException("history plan needs at least 1 event per series per day, got "
                        + eventsPerSeriesPerDay);
            }
        }

        public List<Series> series() {
            List<Series> series = new ArrayList<>(counterSeries + timingSeries);
            for (int i = 0; i < counterSeries; i++) {
                series.add(Series.of(COUNTERS[i % COUNTERS.length], "site", "s" + (i / COUNTERS.length)));
            }
            for (int i = 0; i < timingSeries; i++) {
                series.add(Series.of("api.latency", "route", ROUTES[i % ROUTES.length] + suffix(i / ROUTES.length)));
            }
            return series;
        }

        private static String suffix(int n) {
            return n == 0 ? "" : "-" + n;
        }
    }

    /** What was written: events, the counts they carried (sum of increments and weights), days and series. */
    public record Summary(long events, long counts, int days, int series) {
    }

    private LegacyHistoryGenerator() {
    }

    /** Writes every day of the plan, one {@code $inc} per event. */
    public static Summary generate(Plan plan, LegacyEventWriter writer) {
        long events = 0;
        long counts = 0;
        for (int d = 0; d < plan.days(); d++) {
            for (Event e : eventsOfDay(plan, d)) {
                writer.record(e);
                events++;
                counts += e.kind() == io.statspipe.domain.Kind.COUNTER ? e.increment() : e.weight();
            }
            LOG.info("legacy history: day {} of {} written ({} events so far)", d + 1, plan.days(), events);
        }
        return new Summary(events, counts, plan.days(), plan.series().size());
    }

    /** The events of the plan's day {@code dayIndex} (0 = first day), in time order. */
    public static List<Event> eventsOfDay(Plan plan, int dayIndex) {
        if (dayIndex < 0 || dayIndex >= plan.days()) {
            throw new InvalidStatException("day index " + dayIndex + " is outside the plan's " + plan.days() + " days");
        }
        List<Series> series = plan.series();
        double[] popularity = popularity(plan.seed(), series.size());
        LocalDate day = plan.firstDay().plusDays(dayIndex);
        long dayStart = LegacySchema.startOf(day);
        boolean weekend = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
        Random random = new Random(plan.seed() * 1_000_003L + day.toEpochDay());
        List<Event> events = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            double mean = plan.eventsPerSeriesPerDay() * popularity[s] * (weekend ? WEEKEND_FACTOR : 1.0);
            long n = Math.max(1, Math.round(mean * (0.9 + 0.2 * random.nextDouble())));
            boolean timing = s >= plan.counterSeries();
            for (long i = 0; i < n; i++) {
                int minute = minuteOf(random.nextDouble());
                long at = dayStart + minute * LegacySchema.MINUTE_MILLIS + random.nextInt(60_000);
                events.add(timing ? Event.distribution(series.get(s), at, latency(random, minute))
                        : Event.counter(series.get(s), at, random.nextInt(10) == 0 ? 2 + random.nextInt(4) : 1));
            }
        }
        events.sort(Comparator.comparingLong(Event::timestamp));
        return events;
    }

    /** Series differ in popularity, from a fifth to twice the plan's mean; fixed by the seed alone. */
    private static double[] popularity(long seed, int series) {
        Random random = new Random(seed);
        double[] p = new double[series];
        for (int i = 0; i < series; i++) {
            p[i] = 0.2 + 1.8 * random.nextDouble();
        }
        return p;
    }

    /** Milliseconds, log-normal around 80 ms, slower when the day is busy, to 0.1 ms. */
    private static double latency(Random random, int minute) {
        double busy = shape(minute) / (1 + DIURNAL_AMPLITUDE);
        double ms = 80 * Math.exp(0.6 * random.nextGaussian()) * (0.8 + 0.4 * busy);
        return Math.round(ms * 10) / 10.0;
    }

    private static double shape(int minute) {
        return 1 + DIURNAL_AMPLITUDE * Math.cos(2 * Math.PI * (minute - PEAK_MINUTE) / LegacySchema.MINUTES_PER_DAY);
    }

    private static double[] cumulativeShape() {
        double[] cumulative = new double[LegacySchema.MINUTES_PER_DAY];
        double total = 0;
        for (int m = 0; m < cumulative.length; m++) {
            total += shape(m);
            cumulative[m] = total;
        }
        for (int m = 0; m < cumulative.length; m++) {
            cumulative[m] /= total;
        }
        return cumulative;
    }

    /** The minute a uniform draw falls in, following the diurnal shape. */
    private static int minuteOf(double uniform) {
        int lo = 0;
        int hi = CUMULATIVE_SHAPE.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (CUMULATIVE_SHAPE[mid] <= uniform) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
