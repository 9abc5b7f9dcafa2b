package io.statspipe.adapter.storm;

import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import io.statspipe.ports.out.EventBatchFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test format for event batches, so the counting logic is tested without the event log's own
 * format: {@code v1 producer seq} then one {@code metric ts COUNTER|GAUGE|RELATIVE_GAUGE|DISTRIBUTION value}
 * per line.
 */
final class TextBatchFormat implements EventBatchFormat {
    private static final String RELATIVE_GAUGE = "RELATIVE_GAUGE";

    @Override
    public byte[] encode(EventBatch batch) {
        StringBuilder text = new StringBuilder("v1 ").append(batch.id().producer()).append(' ')
                .append(batch.id().sequence());
        for (Event e : batch.events()) {
            text.append('\n').append(e.series().metric()).append(' ').append(e.timestamp()).append(' ')
                    .append(e.relative() ? RELATIVE_GAUGE : e.kind()).append(' ').append(e.value());
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public EventBatch decode(byte[] record) {
        String[] lines = new String(record, StandardCharsets.UTF_8).split("\n");
        String[] head = lines[0].split(" ");
        if (head.length != 3 || !head[0].equals("v1")) {
            throw new InvalidStatException("unknown batch header '" + lines[0] + "'");
        }
        try {
            List<Event> events = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split(" ");
                boolean relative = f[2].equals(RELATIVE_GAUGE);
                events.add(new Event(Series.of(f[0]), Long.parseLong(f[1]), relative ? Kind.GAUGE : Kind.valueOf(f[2]),
                        Double.parseDouble(f[3]), 1.0, relative));
            }
            return new EventBatch(new BatchId(head[1], Long.parseLong(head[2])), events);
        } catch (RuntimeException e) {
            throw new InvalidStatException("malformed event line: " + e.getMessage());
        }
    }
}
