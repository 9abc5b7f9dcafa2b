/**
 * The agent's durable spool on local disk: append-only checksummed segments, group commit,
 * torn-tail recovery, a size bound that refuses and counts. Format and rules: docs/design/agent.md.
 */
package io.statspipe.adapter.kafka.spool;
