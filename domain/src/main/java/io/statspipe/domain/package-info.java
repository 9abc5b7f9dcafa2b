/**
 * The pure model of stats. The JDK and one algorithms library (Apache DataSketches, for the HLL
 * sketch of unique counts): no framework, no engine, no logging.
 *
 * <p>Follow one event: an {@link io.statspipe.domain.Event} of a {@link io.statspipe.domain.Series}
 * enters a {@link io.statspipe.domain.Rollup}, which folds it into the aggregates of every
 * (output series, {@link io.statspipe.domain.Resolution}, {@link io.statspipe.domain.Bucket})
 * that a matching {@link io.statspipe.domain.RollupRule} names. A flush hands back
 * {@link io.statspipe.domain.Partial}s, each with a deterministic
 * {@link io.statspipe.domain.PartialId} so that re-aggregating the same input range writes the
 * same values to the same places: that is what makes counting exact on a store without
 * increments.
 */
package io.statspipe.domain;
