package io.statspipe.ports.out;

/**
 * What a request with an {@code Idempotency-Key} leaves behind: its key (scoped to its writer),
 * its body's hash, when it was recorded and the answer it got, so that a repeat within the window
 * is answered the same and counted nothing. Recorded in the same durable write as its events.
 */
public record RequestReceipt(String key, byte[] bodyHash, long recordedAtMillis, byte[] answer) {
}
