/**
 * Benchmarks. Every figure is printed beside a baseline measured in the same run.
 */
package io.statspipe.bench;
