/**
 * Storm engine: the pre-aggregation topology that counts exactly (spout, decode, rollup, store).
 */
package io.statspipe.adapter.storm;
