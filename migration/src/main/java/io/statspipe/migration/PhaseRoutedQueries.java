package io.statspipe.migration;

import io.statspipe.domain.Phase;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.PhaseStorePort;
import io.statspipe.ports.out.QueryAggregatesPort;
import java.util.List;
import java.util.function.Consumer;

/**
 * Answers queries from the store the current phase makes primary. In shadow mode it also asks
 * the other store (while both are written), answers from the primary all the same, and reports
 * every query whose answers differ, so an operator sees how the new store behaves before reads
 * move to it.
 */
public final class PhaseRoutedQueries implements QueryAggregatesPort {
    /** One query whose two answers differed. */
    public record ShadowDifference(StatsQuery query, Phase.Store primary, List<SeriesResult> primaryAnswer,
                                   List<SeriesResult> shadowAnswer) {
    }

    private final QueryAggregatesPort legacy;
    private final QueryAggregatesPort fresh;
    private final PhaseStorePort phases;
    private final boolean shadow;
    private final Consumer<ShadowDifference> differences;

    public PhaseRoutedQueries(QueryAggregatesPort legacy, QueryAggregatesPort newStore, PhaseStorePort phases,
                              boolean shadow, Consumer<ShadowDifference> differences) {
        this.legacy = legacy;
        this.fresh = newStore;
        this.phases = phases;
        this.shadow = shadow;
        this.differences = differences;
    }

    @Override
    public List<SeriesResult> query(StatsQuery query) {
        Phase phase = phases.current();
        boolean legacyPrimary = phase.primary() == Phase.Store.LEGACY;
        List<SeriesResult> answer = (legacyPrimary ? legacy : fresh).query(query);
        boolean otherIsWritten = legacyPrimary ? phase.writesNew() : phase.writesLegacy();
        if (shadow && otherIsWritten) {
            try {
                List<SeriesResult> other = (legacyPrimary ? fresh : legacy).query(query);
                if (!other.equals(answer)) {
                    differences.accept(new ShadowDifference(query, phase.primary(), answer, other));
                }
            } catch (EngineUnavailableException | io.statspipe.domain.InvalidStatException e) {
                // The shadow store must never fail a query the primary answered.
                differences.accept(new ShadowDifference(query, phase.primary(), answer, List.of()));
            }
        }
        return answer;
    }
}
