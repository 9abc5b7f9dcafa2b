package io.statspipe.domain;

/**
 * Set members ({@code users.online:alice|s}): how many were received, repeats included, and the
 * sketch of the distinct ones. Merging adds the counts and unites the sketches, so the unique
 * count of merged partials is that of the union of their members (a day's uniques are not the
 * sum of its hours'), estimated within {@link UniqueSketch#RELATIVE_STANDARD_ERROR}.
 */
public record SetAggregate(long count, UniqueSketch sketch) implements Aggregate {

    public SetAggregate {
        if (count <= 0) {
            throw new InvalidStatException("a set aggregate holds at least one member, got " + count);
        }
        if (sketch == null || sketch.isEmpty()) {
            throw new InvalidStatException("a set aggregate of " + count + " members needs a sketch that is not empty");
        }
    }

    /** The aggregate of one member, by its {@link UniqueSketch#memberHash}. */
    public static SetAggregate of(long memberHash) {
        return new SetAggregate(1, UniqueSketch.ofHashes(memberHash));
    }

    @Override
    public Kind kind() {
        return Kind.SET;
    }

    @Override
    public Aggregate merge(Aggregate other) {
        if (!(other instanceof SetAggregate s)) {
            throw Aggregate.kindMismatch(this, other);
        }
        return new SetAggregate(Aggregate.addCounts(count, s.count), sketch.merge(s.sketch));
    }

    /** The estimated number of distinct members. */
    public long uniqueCount() {
        return sketch.uniqueCount();
    }

    @Override
    public double value(Aggregation aggregation) {
        return switch (aggregation.type()) {
            case UNIQUE -> uniqueCount();
            case COUNT -> count;
            case SUM, MIN, MAX, AVG, LAST, PERCENTILE -> throw Aggregate.notApplicable(kind(), aggregation);
        };
    }
}
