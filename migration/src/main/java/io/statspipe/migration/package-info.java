/**
 * Migration off the legacy store: phase control, dual-write, read routing, backfill and verification, using ports only.
 */
package io.statspipe.migration;
