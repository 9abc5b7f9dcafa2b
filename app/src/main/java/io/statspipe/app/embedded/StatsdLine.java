package io.statspipe.app.embedded;

import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import java.util.TreeMap;

/**
 * One StatsD line, DogStatsD tags included: {@code name:value|type[|@rate][|#k:v,k2:v2]}, types
 * {@code c} (counter), {@code g} (gauge), {@code ms}, {@code h}, {@code d} (distributions). The
 * event is stamped with the time it arrived.
 */
final class StatsdLine {
    private StatsdLine() {
    }

    /** @throws InvalidStatException naming what is wrong with the line */
    static Event parse(String line, long now) {
        String l = line.strip();
        int colon = l.indexOf(':');
        int bar = l.indexOf('|');
        if (colon <= 0 || bar < colon) {
            throw new InvalidStatException("not a StatsD line (name:value|type): '" + abbreviate(l) + "'");
        }
        String name = l.substring(0, colon);
        String[] parts = l.substring(bar + 1).split("\\|");
        double value;
        try {
            value = Double.parseDouble(l.substring(colon + 1, bar));
        } catch (NumberFormatException e) {
            throw new InvalidStatException("value '" + l.substring(colon + 1, bar) + "' of '" + name + "' is not a number");
        }
        Kind kind = switch (parts[0]) {
            case "c" -> Kind.COUNTER;
            case "g" -> Kind.GAUGE;
            case "ms", "h", "d" -> Kind.DISTRIBUTION;
            default -> throw new InvalidStatException("unknown StatsD type '" + parts[0] + "' in '" + abbreviate(l)
                    + "': use c, g, ms, h or d");
        };
        double rate = 1.0;
        TreeMap<String, String> tags = new TreeMap<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (p.startsWith("@")) {
                try {
                    rate = Double.parseDouble(p.substring(1));
                } catch (NumberFormatException e) {
                    throw new InvalidStatException("sample rate '" + p + "' of '" + name + "' is not a number");
                }
            } else if (p.startsWith("#")) {
                for (String tag : p.substring(1).split(",")) {
                    if (tag.isEmpty()) {
                        continue;
                    }
                    int c = tag.indexOf(':');
                    if (c <= 0) {
                        throw new InvalidStatException("tag '" + tag + "' of '" + name + "' must be key:value");
                    }
                    if (tags.put(tag.substring(0, c), tag.substring(c + 1)) != null) {
                        throw new InvalidStatException("tag '" + tag.substring(0, c) + "' of '" + name + "' given twice");
                    }
                }
            }
            // Other DogStatsD fields (container id, timestamp |T, ...) are ignored.
        }
        return new Event(new Series(name, Tags.of(tags)), now, kind, value, rate);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
