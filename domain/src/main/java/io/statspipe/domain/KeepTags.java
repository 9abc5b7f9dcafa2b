package io.statspipe.domain;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** Which tags a rollup rule keeps on its output series; the others are rolled away. */
public record KeepTags(boolean everything, SortedSet<String> keys) {
    private static final KeepTags ALL = new KeepTags(true, new TreeSet<>());

    public KeepTags {
        keys = Collections.unmodifiableSortedSet(new TreeSet<>(keys));
        if (everything && !keys.isEmpty()) {
            throw new InvalidStatException("keep either all tags or the listed ones, not both");
        }
    }

    public static KeepTags all() {
        return ALL;
    }

    public static KeepTags only(String... keys) {
        return only(Set.of(keys));
    }

    public static KeepTags only(Set<String> keys) {
        return new KeepTags(false, new TreeSet<>(keys));
    }

    public Tags apply(Tags tags) {
        return everything ? tags : tags.keepOnly(keys);
    }

    @Override
    public String toString() {
        return everything ? "all tags" : "tags " + keys;
    }
}
