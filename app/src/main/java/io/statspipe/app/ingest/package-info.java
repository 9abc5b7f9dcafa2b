/**
 * The {@code statspipe agent} command and its wiring: the store-and-forward agent put behind the
 * inbound port (as {@code RecordEventsService}) and the ingest adapter's endpoints
 * ({@code io.statspipe.adapter.ingest}) in front of it. See docs/design/agent.md.
 */
package io.statspipe.app.ingest;
