package io.statspipe.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Every limit of {@link Limits}, with the message a user gets. */
class SeriesValidationTest {

    @Test
    void tagsAreSortedAndEqualWhateverTheOrderTheyWereWrittenIn() {
        Series a = Series.of("api.requests", "site", "42", "page", "home");
        Series b = Series.of("api.requests", "page", "home", "site", "42");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toString()).isEqualTo("api.requests{page=home,site=42}");
    }

    @Test
    void metricNameLimits() {
        assertThatThrownBy(() -> Series.of("")).hasMessage("metric name must not be empty");
        assertThatThrownBy(() -> Series.of("m".repeat(Limits.MAX_METRIC_LENGTH + 1)))
                .isInstanceOf(InvalidStatException.class)
                .hasMessageStartingWith("metric name too long: 201 > 200 characters in 'mmm");
        assertThatThrownBy(() -> Series.of("api requests"))
                .hasMessage("metric name 'api requests' may hold only letters, digits and _ - . / (starting with a letter or digit)");
        assertThatThrownBy(() -> Series.of(".hidden")).hasMessageContaining("starting with a letter or digit");
        assertThat(Series.of("m".repeat(Limits.MAX_METRIC_LENGTH)).metric()).hasSize(200);
    }

    @Test
    void tagCountLimit() {
        Map<String, String> tags = new TreeMap<>();
        for (int i = 0; i <= Limits.MAX_TAGS; i++) {
            tags.put("k" + i, "v");
        }
        assertThatThrownBy(() -> Tags.of(tags)).hasMessage("too many tags: 17 > 16");
        tags.remove("k0");
        assertThat(Tags.of(tags).size()).isEqualTo(16);
    }

    @Test
    void tagKeyLimits() {
        assertThatThrownBy(() -> Tags.of("k".repeat(65), "v"))
                .hasMessageStartingWith("tag key too long: 65 > 64 characters in tag 'kkk");
        assertThatThrownBy(() -> Tags.of("_src", "p1"))
                .hasMessage("tag key '_src' must start with a letter and hold only letters, digits and _ - . /");
        assertThatThrownBy(() -> Tags.of("", "v")).hasMessage("tag key must not be empty");
        assertThatThrownBy(() -> Tags.of("a", "1", "a", "2")).hasMessage("tag 'a' given twice");
    }

    @Test
    void tagValueLimits() {
        assertThatThrownBy(() -> Tags.of("page", "p".repeat(201)))
                .hasMessage("tag value too long: 201 > 200 characters in tag 'page'");
        assertThatThrownBy(() -> Tags.of("page", "")).hasMessage("tag value must not be empty in tag 'page'");
        assertThatThrownBy(() -> Tags.of("page", "a|b"))
                .hasMessage("tag value 'a|b' in tag 'page' may hold only letters, digits and _ - . / : @ +");
        assertThatThrownBy(() -> Tags.of("page", "a=b")).isInstanceOf(InvalidStatException.class);
        assertThatThrownBy(() -> Tags.of("page", "a,b")).isInstanceOf(InvalidStatException.class);
        assertThat(Tags.of("url", "/home/x:8080@a+b").value("url")).contains("/home/x:8080@a+b");
    }

    @Test
    void eventLimits() {
        Series s = Series.of("clicks");
        assertThatThrownBy(() -> Event.counter(s, -1, 1))
                .hasMessage("timestamp out of range: -1 ms is not between 1970-01-01 and 9999-12-31 for clicks{}");
        assertThatThrownBy(() -> Event.counter(s, Limits.MAX_TIMESTAMP + 1, 1)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Event.gauge(s, 0, Double.NaN)).hasMessage("value must be a finite number, got NaN for clicks{}");
        assertThatThrownBy(() -> new Event(s, 0, Kind.COUNTER, 1, 0))
                .hasMessage("sample rate must be in [0.000001, 1], got 0.0 for clicks{}");
        assertThatThrownBy(() -> new Event(s, 0, Kind.DISTRIBUTION, 1, 4.9e-324)).hasMessageContaining("sample rate");
        assertThatThrownBy(() -> Event.distribution(s, 0, 1e308))
                .hasMessage("value out of range: 1.0E308 is beyond +-1e18 for clicks{}");
        assertThatThrownBy(() -> new Event(s, 0, Kind.COUNTER, 1, 1.5)).hasMessageContaining("sample rate");
        assertThatThrownBy(() -> new Event(s, 0, Kind.COUNTER, 1e17, 0.01))
                .hasMessage("counter increment too large: 1.0E17/0.01 does not fit a long (2^63) for clicks{}");
        assertThat(Event.counter(s, 0, 1L << 62).increment()).isEqualTo(1L << 62);
    }

    @Test
    void sampledEventsStandForTheEventsTheClientDidNotSend() {
        Series s = Series.of("clicks");
        assertThat(new Event(s, 0, Kind.COUNTER, 1, 0.1).increment()).isEqualTo(10);
        assertThat(new Event(s, 0, Kind.COUNTER, 3, 0.5).increment()).isEqualTo(6);
        assertThat(new Event(s, 0, Kind.DISTRIBUTION, 12.5, 0.25).weight()).isEqualTo(4);
        assertThat(Event.distribution(s, 0, 12.5).weight()).isEqualTo(1);
    }
}
