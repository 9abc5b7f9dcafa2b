package io.statspipe.ports.out;

import java.util.Optional;

/**
 * The store's own read API, for the tools that speak it (dashboards such as Grafana's KairosDB
 * data source), read-only and held to a {@link ReadScope}: a tenant's read only ever matches,
 * groups and lists series whose {@code tenant} tag is its own, and statspipe's internal tags
 * (those starting with {@code _}) never show. Bodies are the store's JSON, rewritten on the way
 * in and out; an answer the store refuses comes back with the store's status and body.
 *
 * @throws EngineUnavailableException (from every method) when the store cannot be reached
 */
public interface NativeQueryPort {

    /** The store's version. */
    NativeAnswer version();

    /** The metric names with series in scope, those starting with {@code prefix} when given. */
    NativeAnswer metricNames(ReadScope scope, Optional<String> prefix);

    /** The tag names of the series in scope, internal tags left out. */
    NativeAnswer tagNames(ReadScope scope);

    /** The tag values of the series in scope, those of internal tags left out. */
    NativeAnswer tagValues(ReadScope scope);

    /** A data point query (its JSON body), answered over the series in scope only. */
    NativeAnswer query(ReadScope scope, byte[] body);

    /** A tag query (its JSON body): the tags of the series in scope that match it. */
    NativeAnswer queryTags(ReadScope scope, byte[] body);
}
