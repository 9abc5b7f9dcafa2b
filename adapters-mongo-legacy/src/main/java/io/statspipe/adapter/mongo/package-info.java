/**
 * Legacy MongoDB engine: the old stats_daily documents, read for backfill and verification, written idempotently for dual-write.
 */
package io.statspipe.adapter.mongo;
