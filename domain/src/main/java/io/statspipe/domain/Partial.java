package io.statspipe.domain;

import java.util.Set;

/**
 * A partial aggregate: the aggregate of some of a bucket's events, with the identity that
 * makes writing it idempotent and the aggregations its rule asked to store.
 */
public record Partial(PartialId id, Aggregate aggregate, Set<Aggregation.Type> emits) {

    public Partial {
        if (id == null || aggregate == null) {
            throw new InvalidStatException("a partial needs an id and an aggregate");
        }
        if (aggregate.kind() != id.kind()) {
            throw new InvalidStatException("partial of " + id.series() + " is " + id.kind() + " but holds a "
                    + aggregate.kind() + " aggregate");
        }
        emits = Set.copyOf(emits);
    }
}
