package io.statspipe.adapter.kafka.spool;

/** One appended record as read back: its sequence, when it was spooled, how many events it holds, its bytes. */
public record SpooledRecord(long sequence, long spooledAtMillis, int events, byte[] payload) {
}
