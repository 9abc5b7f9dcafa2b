/**
 * The ports of statspipe: {@code in} holds what the outside world asks of statspipe (record
 * events, query stats, control the migration), {@code out} what statspipe needs from engines
 * (publish events, write and read partials, read legacy history, keep checkpoints and the
 * migration phase), and {@code service} the use cases that implement the inbound ports using
 * only the outbound ones. Plain Java: tests build everything with {@code new}.
 */
package io.statspipe.ports;
