package io.statspipe.adapter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated input for both parsers: they must never throw anything but a reason, and
 * every line of a datagram is either an event or a rejection. The timeout only catches a hang.
 */
class ParserFuzzTest {
    private static final int INPUTS = 100_000;
    private static final String[] STATSD_SEEDS = {
        "page.views:1|c", "a.b:3|c|@0.1|#site:42,page:home", "q:-2.5|g", "lat:12.5|ms|#route:/users",
        "d:1:2:3|d|@0.5", "old:1|c|T1600000000|c:abc", "x:1e3|h"};
    private static final String[] JSON_SEEDS = {
        "{\"events\":[{\"metric\":\"page.views\",\"tags\":{\"site\":\"42\"},\"kind\":\"counter\",\"value\":2,\"timestamp\":1600000000000,\"sampleRate\":0.5}]}",
        "{\"events\":[{\"metric\":\"q\",\"kind\":\"g\",\"value\":7.25},{\"metric\":\"l\",\"kind\":\"timer\",\"value\":12}]}"};
    private static final byte[] ALPHABET = ":|@#,.\n\r-+e0123456789abcxyzTgcmsdh{}[]\"\\ \u0000".getBytes(StandardCharsets.ISO_8859_1);

    private final Random random = new Random(20_261_126);

    private byte[] fuzz(String[] seeds) {
        int mode = random.nextInt(3);
        if (mode == 0) { // random bytes
            byte[] b = new byte[random.nextInt(200)];
            random.nextBytes(b);
            return b;
        }
        if (mode == 1) { // random text from the grammar's own characters
            byte[] b = new byte[random.nextInt(200)];
            for (int i = 0; i < b.length; i++) {
                b[i] = ALPHABET[random.nextInt(ALPHABET.length)];
            }
            return b;
        }
        byte[] seed = String.join(random.nextBoolean() ? "\n" : "", seeds).getBytes(StandardCharsets.UTF_8);
        for (int flips = 1 + random.nextInt(6); flips > 0; flips--) {
            int at = random.nextInt(seed.length);
            switch (random.nextInt(4)) {
                case 0 -> seed[at] = ALPHABET[random.nextInt(ALPHABET.length)];
                case 1 -> seed[at] = (byte) random.nextInt(256);
                case 2 -> seed = java.util.Arrays.copyOf(seed, at + 1); // truncate
                default -> {
                    byte[] longer = new byte[seed.length + 300];
                    System.arraycopy(seed, 0, longer, 0, at);
                    java.util.Arrays.fill(longer, at, at + 300, seed[at]); // stretch a character
                    System.arraycopy(seed, at, longer, at + 300, seed.length - at);
                    seed = longer;
                }
            }
        }
        return seed;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void statsdParserTurnsEveryLineIntoAnEventOrAReason() {
        StatsdLineParser parser = new StatsdLineParser();
        long events = 0;
        long rejections = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = fuzz(STATSD_SEEDS);
            List<Event> out = new ArrayList<>();
            List<String> reasons = new ArrayList<>();
            parser.parse(input, 0, input.length, 1_700_000_000_000L, out, (d, o, l, reason) -> reasons.add(reason));
            for (String reason : reasons) {
                if (reason == null || reason.isBlank()) {
                    throw new AssertionError("blank reason for input " + java.util.Arrays.toString(input));
                }
            }
            int lines = 0;
            for (String line : new String(input, StandardCharsets.ISO_8859_1).split("\n")) {
                lines += line.isEmpty() || line.equals("\r") ? 0 : 1;
            }
            if (reasons.size() > lines) {
                throw new AssertionError(reasons.size() + " reasons for " + lines + " lines: " + reasons);
            }
            events += out.size();
            rejections += reasons.size();
        }
        assertThat(events).as("mutations keep some lines valid").isPositive();
        assertThat(rejections).isPositive();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void jsonParserAnswersEveryBodyWithEventsOrReasons() {
        JsonBatchParser parser = new JsonBatchParser();
        long accepted = 0;
        long refused = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = fuzz(JSON_SEEDS);
            try {
                JsonBatchParser.Parsed parsed = parser.parse(input, input.length, 1_700_000_000_000L);
                accepted += parsed.events().size();
                for (JsonBatchParser.Rejection r : parsed.rejected()) {
                    if (r.reason() == null || r.reason().isBlank()) {
                        throw new AssertionError("blank reason for event " + r.index());
                    }
                }
            } catch (InvalidStatException e) {
                if (e.getMessage() == null || e.getMessage().isBlank()) {
                    throw new AssertionError("blank reason for a refused body", e);
                }
                refused++;
            }
        }
        assertThat(accepted).isPositive();
        assertThat(refused).isPositive();
    }
}
