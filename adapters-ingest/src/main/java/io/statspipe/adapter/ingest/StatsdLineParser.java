package io.statspipe.adapter.ingest;

import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import io.statspipe.domain.UniqueSketch;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * Parses StatsD datagrams: one metric per line, {@code name:value|type[|@rate][|#k:v,...][|T<seconds>]}.
 *
 * <p>Types: {@code c} counter, {@code g} gauge (a level; {@code +N} changes the level by N, and
 * {@code -N} sets it to -N or, under {@link GaugeDeltas#ETSY}, lowers it by N), {@code ms h d}
 * distributions, {@code s} set (the value is a member, any text up to the {@code |}: the set counts
 * distinct members; a sample rate is ignored, as etsy StatsD does). DogStatsD extensions:
 * {@code |#k:v} tags, several values in one line ({@code name:1:2:3|d}), {@code |T} timestamp in
 * seconds; other {@code |x} extensions (e.g. container ids) are skipped. DogStatsD's events
 * ({@code _e{5,4}:title|text...}) and service checks ({@code _sc|name|status...}) are not stats:
 * they are recognised and ignored (counted, never dead-lettered). Each bad line is reported with
 * its reason and the good lines of the datagram still count.
 *
 * <p>It works on the bytes (every legal name and tag is ASCII) and remembers recent series by
 * their bytes, because validating a series (regular expressions, a sorted map) costs more than
 * parsing the rest of the line. Not thread-safe: one parser per receiving thread.
 */
public final class StatsdLineParser {
    /** Receives the bad lines of a datagram: where the line is and what is wrong with it. */
    @FunctionalInterface
    public interface Rejections {
        void reject(byte[] data, int offset, int length, String reason);
    }

    /**
     * Slots of the series cache at first and at most: it doubles while it is half full, up to room
     * for the 10,000-100,000 series a busy host sends, and is no larger than its series need (every
     * line looks it up, and a small table stays in the processor's cache).
     */
    private static final int FIRST_SLOTS = 1 << 12;
    private static final int MAX_SLOTS = 1 << 18;
    /** Slots probed from a key's home slot before one of them is replaced (in a full table). */
    private static final int PROBES = 8;
    private int[] cachedHashes = new int[FIRST_SLOTS];
    private byte[][] cachedKeys = new byte[FIRST_SLOTS][];
    private Series[] cachedSeries = new Series[FIRST_SLOTS];
    private int cached;
    private final GaugeDeltas gaugeDeltas;

    /** A parser reading {@code -N} gauges as DogStatsD does: a negative level. */
    public StatsdLineParser() {
        this(GaugeDeltas.DOGSTATSD);
    }

    public StatsdLineParser(GaugeDeltas gaugeDeltas) {
        this.gaugeDeltas = gaugeDeltas;
    }

    /**
     * Parses every line of {@code data[offset, offset+length)}; good events go to {@code out}, bad
     * lines to {@code rejections}.
     *
     * @return how many lines were DogStatsD events or service checks, ignored
     */
    public int parse(byte[] data, int offset, int length, long receivedAtMillis, List<Event> out, Rejections rejections) {
        int ignored = 0;
        int end = offset + length;
        int lineStart = offset;
        while (lineStart < end) {
            int lineEnd = lineStart;
            while (lineEnd < end && data[lineEnd] != '\n') {
                lineEnd++;
            }
            int contentEnd = lineEnd > lineStart && data[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (isEventOrServiceCheck(data, lineStart, contentEnd)) {
                ignored++;
            } else if (contentEnd > lineStart) {
                int before = out.size();
                try {
                    parseLine(data, lineStart, contentEnd, receivedAtMillis, out);
                } catch (InvalidStatException e) {
                    while (out.size() > before) { // a line with several values counts whole or not at all
                        out.remove(out.size() - 1);
                    }
                    rejections.reject(data, lineStart, contentEnd - lineStart, e.getMessage());
                }
            }
            lineStart = lineEnd + 1;
        }
        return ignored;
    }

    /** DogStatsD's {@code _e{...}:...} and {@code _sc|...}: no metric name may start with '_'. */
    private static boolean isEventOrServiceCheck(byte[] b, int start, int end) {
        return end - start >= 3 && b[start] == '_'
                && (b[start + 1] == 'e' && b[start + 2] == '{' || end - start >= 4 && b[start + 1] == 's' && b[start + 2] == 'c'
                        && b[start + 3] == '|');
    }

    private void parseLine(byte[] b, int start, int end, long now, List<Event> out) {
        int pipe = indexOf(b, start, end, '|');
        if (pipe < 0) {
            throw new InvalidStatException("missing '|type' in '" + text(b, start, end) + "'");
        }
        int colon = indexOf(b, start, pipe, ':');
        if (colon < 0) {
            throw new InvalidStatException("missing ':' between name and value in '" + text(b, start, end) + "'");
        }
        if (colon == start) {
            throw new InvalidStatException("metric name must not be empty in '" + text(b, start, end) + "'");
        }
        int typeEnd = indexOf(b, pipe + 1, end, '|');
        if (typeEnd < 0) {
            typeEnd = end;
        }
        Kind kind = kind(b, pipe + 1, typeEnd);
        double rate = 1.0;
        long timestamp = now;
        int tagsStart = -1;
        int tagsEnd = -1;
        int at = typeEnd;
        while (at < end) { // at points to a '|'
            int next = indexOf(b, at + 1, end, '|');
            if (next < 0) {
                next = end;
            }
            if (next == at + 1) {
                throw new InvalidStatException("empty '|' section in '" + text(b, start, end) + "'");
            }
            byte marker = b[at + 1];
            if (marker == '@') {
                rate = number(b, at + 2, next, "sample rate"); // its range is the event's to check
            } else if (marker == '#') {
                tagsStart = at + 2;
                tagsEnd = next;
            } else if (marker == 'T') {
                timestamp = seconds(b, at + 2, next) * 1000;
            }
            at = next;
        }
        Series series = series(b, start, colon, tagsStart, tagsEnd);
        int valueStart = colon + 1;
        if (kind == Kind.SET) {
            if (valueStart == pipe) {
                throw new InvalidStatException("set member must not be empty in '" + text(b, start, end) + "'");
            }
            String member = new String(b, valueStart, pipe - valueStart, StandardCharsets.UTF_8);
            out.add(new Event(series, timestamp, Kind.SET, UniqueSketch.memberHash(member), 1.0));
            return;
        }
        while (true) {
            int valueEnd = indexOf(b, valueStart, pipe, ':');
            if (valueEnd < 0) {
                valueEnd = pipe;
            }
            boolean relative = kind == Kind.GAUGE && valueEnd > valueStart
                    && (b[valueStart] == '+' || b[valueStart] == '-' && gaugeDeltas == GaugeDeltas.ETSY);
            double value = number(b, valueStart, valueEnd, "value");
            out.add(new Event(series, timestamp, kind, value, rate, relative));
            if (valueEnd == pipe) {
                return;
            }
            if (kind != Kind.DISTRIBUTION) {
                throw new InvalidStatException("several values in one line are only allowed for |ms |h |d, in '"
                        + text(b, start, end) + "'");
            }
            valueStart = valueEnd + 1;
        }
    }

    private static Kind kind(byte[] b, int start, int end) {
        int n = end - start;
        if (n == 1) {
            switch (b[start]) {
                case 'c':
                    return Kind.COUNTER;
                case 'g':
                    return Kind.GAUGE;
                case 'h':
                case 'd':
                    return Kind.DISTRIBUTION;
                case 's':
                    return Kind.SET;
                default:
                    break;
            }
        } else if (n == 2 && b[start] == 'm' && b[start + 1] == 's') {
            return Kind.DISTRIBUTION;
        }
        throw new InvalidStatException("unknown metric type '" + text(b, start, end) + "' (expected c, g, ms, h, d or s)");
    }

    /**
     * The series of a line, from the cache when the same name and tag bytes were seen before, so
     * that every later stage gets one instance per series (and finds it by its cached hash and
     * identity). Open addressing over the bytes' hash: a probe compares hashes in an int array and
     * touches a key's bytes only when they match. A two-way cache, before, let three series that
     * hashed to one pair evict each other on every line: with 10,000 series it handed out 36,555
     * instances per 2 million lines, and every stage after it compared tag maps to match them up.
     */
    private Series series(byte[] b, int nameStart, int nameEnd, int tagsStart, int tagsEnd) {
        int hash = 1;
        for (int i = nameStart; i < nameEnd; i++) {
            hash = 31 * hash + b[i];
        }
        hash = 31 * hash + '|';
        for (int i = tagsStart; i < tagsEnd; i++) {
            hash = 31 * hash + b[i];
        }
        hash = (hash ^ (hash >>> 15)) * 0x2c1b3c6d;
        hash = hash == 0 ? 1 : hash; // 0 marks an empty slot
        int mask = cachedHashes.length - 1;
        int home = (hash ^ (hash >>> 16)) & mask;
        int slot = home;
        for (int probe = 0; probe < PROBES; probe++, slot = (slot + 1) & mask) {
            int known = cachedHashes[slot];
            if (known == 0) {
                break;
            }
            if (known == hash && matches(cachedKeys[slot], b, nameStart, nameEnd, tagsStart, tagsEnd)) {
                return cachedSeries[slot];
            }
        }
        Series series = new Series(utf8(b, nameStart, nameEnd), tagsStart < 0 ? Tags.none() : tags(b, tagsStart, tagsEnd));
        int nameLength = nameEnd - nameStart;
        int tagsLength = tagsStart < 0 ? 0 : tagsEnd - tagsStart;
        byte[] key = new byte[nameLength + 1 + tagsLength];
        System.arraycopy(b, nameStart, key, 0, nameLength);
        key[nameLength] = '|';
        if (tagsLength > 0) {
            System.arraycopy(b, tagsStart, key, nameLength + 1, tagsLength);
        }
        remember(hash, key, series);
        return series;
    }

    /**
     * Puts a series in the first free slot of its probe window. The table doubles when it is half
     * full or the window has no free slot; only at its largest does a series replace another.
     */
    private void remember(int hash, byte[] key, Series series) {
        if (cached + 1 > cachedHashes.length / 2 && cachedHashes.length < MAX_SLOTS) {
            grow();
        }
        while (true) {
            int mask = cachedHashes.length - 1;
            int home = (hash ^ (hash >>> 16)) & mask;
            for (int probe = 0; probe < PROBES; probe++) {
                int slot = (home + probe) & mask;
                if (cachedHashes[slot] == 0) {
                    cached++;
                    put(slot, hash, key, series);
                    return;
                }
            }
            if (cachedHashes.length == MAX_SLOTS) {
                put((home + (hash >>> 29)) & mask, hash, key, series); // replace one of the window's series
                return;
            }
            grow();
        }
    }

    private void put(int slot, int hash, byte[] key, Series series) {
        cachedHashes[slot] = hash;
        cachedKeys[slot] = key;
        cachedSeries[slot] = series;
    }

    private void grow() {
        int[] hashes = cachedHashes;
        byte[][] keys = cachedKeys;
        Series[] values = cachedSeries;
        cachedHashes = new int[hashes.length * 2];
        cachedKeys = new byte[hashes.length * 2][];
        cachedSeries = new Series[hashes.length * 2];
        cached = 0;
        for (int i = 0; i < hashes.length; i++) {
            if (hashes[i] != 0) {
                remember(hashes[i], keys[i], values[i]);
            }
        }
    }

    private static boolean matches(byte[] key, byte[] b, int nameStart, int nameEnd, int tagsStart, int tagsEnd) {
        int nameLength = nameEnd - nameStart;
        int tagsLength = tagsStart < 0 ? 0 : tagsEnd - tagsStart;
        return key.length == nameLength + 1 + tagsLength
                && Arrays.equals(key, 0, nameLength, b, nameStart, nameEnd) && key[nameLength] == '|'
                && Arrays.equals(key, nameLength + 1, key.length, b, tagsStart < 0 ? 0 : tagsStart, tagsStart < 0 ? 0 : tagsEnd);
    }

    private static Tags tags(byte[] b, int start, int end) {
        TreeMap<String, String> tags = new TreeMap<>();
        int at = start;
        while (at <= end) {
            int comma = indexOf(b, at, end, ',');
            if (comma < 0) {
                comma = end;
            }
            if (comma == at) {
                throw new InvalidStatException("empty tag in '" + text(b, start, end) + "'");
            }
            int colon = indexOf(b, at, comma, ':');
            if (colon < 0) {
                throw new InvalidStatException("tag '" + text(b, at, comma) + "' has no value (expected key:value)");
            }
            String key = utf8(b, at, colon);
            if (tags.put(key, utf8(b, colon + 1, comma)) != null) {
                throw new InvalidStatException("tag '" + key + "' given twice");
            }
            at = comma + 1;
        }
        return Tags.of(tags);
    }

    /** A decimal number: integers and plain decimals on a fast path, exponents through Double.parseDouble. */
    private static double number(byte[] b, int start, int end, String what) {
        if (start >= end) {
            throw new InvalidStatException(what + " must not be empty");
        }
        if (end - start > 40) {
            throw new InvalidStatException(what + " too long: " + (end - start) + " > 40 characters");
        }
        int i = start;
        boolean negative = b[i] == '-';
        if (negative || b[i] == '+') {
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int scale = -1;
        boolean simple = i < end;
        for (; i < end && simple; i++) {
            byte c = b[i];
            if (c >= '0' && c <= '9') {
                mantissa = mantissa * 10 + (c - '0');
                digits++;
                if (scale >= 0) {
                    scale++;
                }
            } else if (c == '.' && scale < 0) {
                scale = 0;
            } else {
                simple = false;
            }
        }
        if (simple && digits > 0 && digits <= 15 && scale <= 15) {
            double value = scale > 0 ? mantissa / POWERS[scale] : mantissa; // exact: both operands are exact doubles
            return negative ? -value : value;
        }
        for (int k = start; k < end; k++) {
            byte c = b[k];
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                throw new InvalidStatException(what + " '" + text(b, start, end) + "' is not a number");
            }
        }
        try {
            double value = Double.parseDouble(new String(b, start, end - start, StandardCharsets.US_ASCII));
            if (!Double.isFinite(value)) {
                throw new InvalidStatException(what + " '" + text(b, start, end) + "' is not a finite number");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidStatException(what + " '" + text(b, start, end) + "' is not a number");
        }
    }

    private static final double[] POWERS = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

    private static long seconds(byte[] b, int start, int end) {
        if (start >= end || end - start > 12) {
            throw new InvalidStatException("timestamp '" + text(b, start, end) + "' must be 1-12 digits of seconds");
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            if (b[i] < '0' || b[i] > '9') {
                throw new InvalidStatException("timestamp '" + text(b, start, end) + "' must be digits (seconds since 1970)");
            }
            value = value * 10 + (b[i] - '0');
        }
        return value;
    }

    private static int indexOf(byte[] b, int from, int to, char c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** Strict UTF-8: invalid bytes are a reason, never a replacement character. */
    private static String utf8(byte[] b, int start, int end) {
        boolean ascii = true;
        for (int i = start; i < end && ascii; i++) {
            ascii = b[i] >= 0;
        }
        if (ascii) {
            return new String(b, start, end - start, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidStatException("invalid UTF-8 in '" + text(b, start, end) + "'");
        }
    }

    /** A short, printable rendering of bad input for a reason: non-printable bytes as \\xNN, at most 60 characters. */
    static String text(byte[] b, int start, int end) {
        StringBuilder s = new StringBuilder();
        for (int i = start; i < end && s.length() < 60; i++) {
            int c = b[i] & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        if (s.length() >= 60 && end - start > 60) {
            s.append("...");
        }
        return s.toString();
    }
}
