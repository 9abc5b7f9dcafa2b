/**
 * Ingest endpoints in front of the store-and-forward agent: StatsD over UDP, JSON over HTTP,
 * their parsers and the {@code statspipe agent} command. See docs/design/agent.md.
 */
package io.statspipe.app.ingest;
