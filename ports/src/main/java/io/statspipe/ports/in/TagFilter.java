package io.statspipe.ports.in;

import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Tags;

/**
 * Which series of a metric a query means.
 *
 * <ul>
 *   <li>{@link Match#INCLUDING}: every series whose tags include these (a filter on
 *       {@code site=42} sums {@code site=42,page=home} and {@code site=42,page=about}). Only
 *       series the user sent under that metric match: rollups live under names of their own
 *       and statspipe's bookkeeping tags never match or show.</li>
 *   <li>{@link Match#EXACTLY}: only the series whose tag set is exactly this one.</li>
 * </ul>
 */
public record TagFilter(Tags tags, Match match) {
    public enum Match { INCLUDING, EXACTLY }

    public TagFilter {
        if (tags == null || match == null) {
            throw new InvalidStatException("a tag filter needs tags and a match mode");
        }
    }

    public static TagFilter any() {
        return new TagFilter(Tags.none(), Match.INCLUDING);
    }

    public static TagFilter including(Tags tags) {
        return new TagFilter(tags, Match.INCLUDING);
    }

    public static TagFilter exactly(Tags tags) {
        return new TagFilter(tags, Match.EXACTLY);
    }

    public boolean accepts(Tags seriesTags) {
        return match == Match.EXACTLY ? seriesTags.equals(tags) : seriesTags.includes(tags);
    }
}
