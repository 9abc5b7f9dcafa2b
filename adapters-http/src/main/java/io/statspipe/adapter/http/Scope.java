package io.statspipe.adapter.http;

/** What a bearer token may do. */
public enum Scope {
    QUERY, INGEST
}
