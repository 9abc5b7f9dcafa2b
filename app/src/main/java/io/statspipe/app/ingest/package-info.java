/**
 * Ingest endpoints in front of the store-and-forward agent: StatsD over UDP, and HTTP ingest
 * (StatsD lines or a JSON batch; one endpoint for {@code statspipe up} and {@code statspipe agent}),
 * their parsers and the {@code statspipe agent} command. See docs/design/agent.md.
 */
package io.statspipe.app.ingest;
