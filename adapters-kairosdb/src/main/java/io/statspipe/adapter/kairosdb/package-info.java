/**
 * KairosDB engine: partials as data points, queries with exact tag semantics, a local KairosDB server.
 */
package io.statspipe.adapter.kairosdb;
