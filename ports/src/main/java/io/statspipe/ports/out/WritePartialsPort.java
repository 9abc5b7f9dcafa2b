package io.statspipe.ports.out;

import io.statspipe.domain.Partial;
import java.util.List;

/**
 * The aggregate store's write side. Writing is idempotent by {@link io.statspipe.domain.PartialId}:
 * writing a partial again with the same identity and value changes nothing. A store never
 * rewrites an identity with a different value (Cassandra does not reliably keep the last write).
 */
public interface WritePartialsPort {

    /**
     * Writes every partial, or throws: a partial is never silently dropped.
     *
     * @throws EngineUnavailableException when the store cannot take the batch now
     * @throws ContentRefusedException     when the store refuses the batch's content and would refuse
     *                                     it again; a batch of one names the partial refused
     */
    void write(List<Partial> partials);
}
