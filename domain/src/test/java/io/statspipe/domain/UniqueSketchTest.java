package io.statspipe.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Unique counts: the stated error on a million members, union semantics, canonical bytes. */
class UniqueSketchTest {
    private static final int MILLION = 1_000_000;

    @Test
    void aMillionDistinctMembersMergedFromHourlyPartialsAreCountedWithinTheStatedError() {
        // 24 "hours" from 4 "partitions", each member seen in two hours (a repeat must not count twice)
        UniqueSketch.Builder[] partials = new UniqueSketch.Builder[24 * 4];
        for (int i = 0; i < partials.length; i++) {
            partials[i] = new UniqueSketch.Builder();
        }
        for (int i = 0; i < MILLION; i++) {
            long hash = UniqueSketch.memberHash("user-" + i);
            partials[i % partials.length].add(hash);
            partials[(i * 7 + 3) % partials.length].add(hash);
        }
        UniqueSketch day = UniqueSketch.empty();
        for (UniqueSketch.Builder partial : partials) {
            day = day.merge(partial.build());
        }

        // 3 standard errors: 99.7% of sketches; the hashes are fixed, so this is one sketch, always the same
        double stated = 3 * UniqueSketch.RELATIVE_STANDARD_ERROR;
        assertThat(stated).isCloseTo(0.049, within(0.001));
        assertThat((double) day.uniqueCount()).isCloseTo(MILLION, within(stated * MILLION));
        // and the union is not the sum: every member was added twice
        assertThat(day.uniqueCount()).isLessThan(MILLION + (long) (stated * MILLION));
    }

    @Test
    void aDayIsTheUnionOfItsHoursNotTheSum() {
        UniqueSketch hour1 = sketchOf(LongStream.range(0, 100));
        UniqueSketch hour2 = sketchOf(LongStream.range(50, 150));

        UniqueSketch day = hour1.merge(hour2);

        assertThat(hour1.uniqueCount()).isEqualTo(100);
        assertThat(UniqueSketch.empty().isEmpty()).isTrue();
        assertThat(hour1.isEmpty()).isFalse();
        assertThat(UniqueSketch.empty().merge(hour1)).isEqualTo(hour1);
        assertThat(day.uniqueCount()).isEqualTo(150);
        assertThat(day.merge(hour2)).isEqualTo(day); // idempotent
        assertThat(hour2.merge(hour1)).isEqualTo(day); // commutative
    }

    @ParameterizedTest(name = "{0} members")
    @ValueSource(ints = {1, 7, 9, 100, 700, 3_000, 100_000})
    void theSameMembersGiveTheSameBytesWhateverTheOrderAndTheMerges(int members) {
        List<Long> hashes = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            hashes.add(UniqueSketch.memberHash("m" + i));
        }
        UniqueSketch inOrder = sketchOf(hashes.stream().mapToLong(Long::longValue));
        Collections.shuffle(hashes, new Random(members));
        UniqueSketch shuffled = sketchOf(hashes.stream().mapToLong(Long::longValue));
        UniqueSketch merged = UniqueSketch.empty();
        for (int part = 0; part < 3; part++) {
            int p = part;
            merged = merged.merge(sketchOf(LongStream.range(0, members).filter(i -> i % 3 == p)
                    .map(i -> hashes.get((int) i))));
        }

        assertThat(shuffled.toBytes()).isEqualTo(inOrder.toBytes());
        assertThat(merged.toBytes()).isEqualTo(inOrder.toBytes());
        assertThat(UniqueSketch.fromBytes(merged.toBytes())).isEqualTo(inOrder);
        assertThat(merged.uniqueCount()).isEqualTo(inOrder.uniqueCount());
    }

    @Test
    void aSetAggregateAddsReceivedMembersAndUnitesDistinctOnes() {
        Series series = Series.of("users.online");
        SetAggregate alice = SetAggregate.of(UniqueSketch.memberHash("alice"));
        SetAggregate bob = SetAggregate.of(UniqueSketch.memberHash("bob"));

        Aggregate merged = alice.merge(bob).merge(alice);

        assertThat(merged.value(Aggregation.UNIQUE)).isEqualTo(2);
        assertThat(merged.value(Aggregation.COUNT)).isEqualTo(3);
        assertThatThrownBy(() -> merged.value(Aggregation.SUM)).isInstanceOf(InvalidStatException.class)
                .hasMessage("sum is not defined for set series");
        assertThat(Event.set(series, Generators.T0, "alice").value()).isEqualTo(UniqueSketch.memberHash("alice"));
    }

    @Test
    void badSetInputIsRefusedWithItsReason() {
        Series series = Series.of("users.online");
        assertThatThrownBy(() -> new Event(series, Generators.T0, Kind.SET, 1.5, 1.0))
                .isInstanceOf(InvalidStatException.class)
                .hasMessageStartingWith("set member hash must be a whole number in [0, 2^53), got 1.5");
        assertThatThrownBy(() -> UniqueSketch.memberHash("")).hasMessage("a set member must not be empty");
        assertThatThrownBy(() -> UniqueSketch.fromBytes(new byte[] {1, 2, 3}))
                .isInstanceOf(InvalidStatException.class)
                .hasMessageStartingWith("not an HLL sketch of unique counts");
    }

    private static UniqueSketch sketchOf(LongStream hashes) {
        UniqueSketch.Builder b = new UniqueSketch.Builder();
        hashes.forEach(b::add);
        return b.build();
    }
}
