package io.statspipe.domain;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The tags of a series: an immutable map sorted by key, validated against {@link Limits}.
 * Two tag sets are equal whatever order they were written in.
 *
 * <p>A class rather than a record only to keep its hash: every stage looks series up in hash
 * maps (the agent's partition of a series, a batch's series table, the rollup's targets), and a
 * map's hash walks every entry; recomputing it per event cost a tenth of the pipeline's CPU.
 */
public final class Tags {
    private static final Pattern KEY = Pattern.compile(Limits.TAG_KEY_CHARACTERS);
    private static final Pattern VALUE = Pattern.compile(Limits.TAG_VALUE_CHARACTERS);
    private static final Tags NONE = new Tags(new TreeMap<>());

    private final SortedMap<String, String> asMap;
    private final int hash;

    public Tags(SortedMap<String, String> asMap) {
        if (asMap == null) {
            throw new InvalidStatException("tags must not be null");
        }
        if (asMap.size() > Limits.MAX_TAGS) {
            throw new InvalidStatException("too many tags: " + asMap.size() + " > " + Limits.MAX_TAGS);
        }
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> tag : asMap.entrySet()) {
            copy.put(checkKey(tag.getKey()), checkValue(tag.getKey(), tag.getValue()));
        }
        this.asMap = Collections.unmodifiableSortedMap(copy);
        this.hash = copy.hashCode();
    }

    /** The tags, sorted by key; unmodifiable. */
    public SortedMap<String, String> asMap() {
        return asMap;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Tags t && hash == t.hash && asMap.equals(t.asMap));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    public static Tags none() {
        return NONE;
    }

    public static Tags of(Map<String, String> tags) {
        return tags.isEmpty() ? NONE : new Tags(new TreeMap<>(tags));
    }

    /** {@code Tags.of("site", "42", "page", "home")}. */
    public static Tags of(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new InvalidStatException("tags need key/value pairs, got " + keysAndValues.length + " strings");
        }
        TreeMap<String, String> map = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (map.put(keysAndValues[i], keysAndValues[i + 1]) != null) {
                throw new InvalidStatException("tag '" + keysAndValues[i] + "' given twice");
            }
        }
        return new Tags(map);
    }

    public int size() {
        return asMap.size();
    }

    public boolean isEmpty() {
        return asMap.isEmpty();
    }

    public Set<String> keys() {
        return asMap.keySet();
    }

    /** The value of a tag, or null when absent: package-private so null never crosses a port. */
    String valueOrNull(String key) {
        return asMap.get(key);
    }

    public java.util.Optional<String> value(String key) {
        return java.util.Optional.ofNullable(asMap.get(key));
    }

    /** Only the tags whose keys are in {@code keep}. */
    public Tags keepOnly(Set<String> keep) {
        TreeMap<String, String> kept = new TreeMap<>(asMap);
        kept.keySet().retainAll(keep);
        return kept.size() == asMap.size() ? this : new Tags(kept);
    }

    public Tags with(String key, String value) {
        TreeMap<String, String> more = new TreeMap<>(asMap);
        more.put(key, value);
        return new Tags(more);
    }

    /** True when every tag of {@code other} is also here with the same value. */
    public boolean includes(Tags other) {
        return asMap.entrySet().containsAll(other.asMap.entrySet());
    }

    /** {@code k1=v1,k2=v2}, sorted by key: the legacy store's form. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        asMap.forEach((k, v) -> s.append(s.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return s.toString();
    }

    private static String checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidStatException("tag key must not be empty");
        }
        if (key.length() > Limits.MAX_TAG_KEY_LENGTH) {
            throw new InvalidStatException("tag key too long: " + key.length() + " > "
                    + Limits.MAX_TAG_KEY_LENGTH + " characters in tag '" + abbreviate(key) + "'");
        }
        if (!KEY.matcher(key).matches()) {
            throw new InvalidStatException("tag key '" + abbreviate(key)
                    + "' must start with a letter and hold only letters, digits and _ - . /");
        }
        return key;
    }

    private static String checkValue(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidStatException("tag value must not be empty in tag '" + key + "'");
        }
        if (value.length() > Limits.MAX_TAG_VALUE_LENGTH) {
            throw new InvalidStatException("tag value too long: " + value.length() + " > "
                    + Limits.MAX_TAG_VALUE_LENGTH + " characters in tag '" + key + "'");
        }
        if (!VALUE.matcher(value).matches()) {
            throw new InvalidStatException("tag value '" + abbreviate(value) + "' in tag '" + key
                    + "' may hold only letters, digits and _ - . / : @ +");
        }
        return value;
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
