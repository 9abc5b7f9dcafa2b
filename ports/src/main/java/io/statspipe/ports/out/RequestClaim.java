package io.statspipe.ports.out;

/** What a request with an {@code Idempotency-Key} is to do, once it has claimed its key. */
public sealed interface RequestClaim {

    /** The key is new and now claimed: record the request with its receipt, or release the key. */
    record Fresh() implements RequestClaim {
    }

    /** The key was answered within the window for the same body: give this answer again. */
    record Repeat(byte[] answer) implements RequestClaim {
    }

    /** The key was answered within the window for another body. */
    record OtherBody() implements RequestClaim {
    }

    /** A request with this key is being recorded right now. */
    record InProgress() implements RequestClaim {
    }
}
