package io.statspipe.ports.out;

import java.util.Arrays;

/**
 * How much of refused input a dead letter keeps. A dead letter is for a person to see what was
 * refused and why, not a second copy of every byte a client sent: a 4 MiB record, or a
 * 10,000-character line, would make the dead-letter topic the biggest thing statspipe stores,
 * and a dead letter larger than a producer's request size would fail forever. Everything that
 * writes dead letters keeps at most {@link #MAX_BYTES} of the input and notes the full length.
 */
public final class DeadLetterContent {
    /** Most bytes of refused input a dead letter keeps. */
    public static final int MAX_BYTES = 16 * 1024;
    /** The header naming the input's full length when it was cut. */
    public static final String ORIGINAL_BYTES_HEADER = "original-bytes";

    private DeadLetterContent() {
    }

    /** The input, or its first {@link #MAX_BYTES} bytes. */
    public static byte[] kept(byte[] input) {
        return input.length <= MAX_BYTES ? input : Arrays.copyOf(input, MAX_BYTES);
    }

    /** True when {@link #kept} cuts this input. */
    public static boolean cut(byte[] input) {
        return input.length > MAX_BYTES;
    }
}
