package io.statspipe.domain;

/** An exact count. Sum, min, max and avg of a counter bucket are all its count. */
public record CounterAggregate(long count) implements Aggregate {

    @Override
    public Kind kind() {
        return Kind.COUNTER;
    }

    @Override
    public Aggregate merge(Aggregate other) {
        if (!(other instanceof CounterAggregate c)) {
            throw Aggregate.kindMismatch(this, other);
        }
        return new CounterAggregate(Aggregate.addCounts(count, c.count));
    }

    @Override
    public double value(Aggregation aggregation) {
        return switch (aggregation.type()) {
            case COUNT, SUM, MIN, MAX, AVG, LAST -> count;
            case PERCENTILE, UNIQUE -> throw Aggregate.notApplicable(kind(), aggregation);
        };
    }
}
