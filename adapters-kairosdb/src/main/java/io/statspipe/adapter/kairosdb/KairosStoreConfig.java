package io.statspipe.adapter.kairosdb;

import io.statspipe.domain.Resolution;
import io.statspipe.domain.RuleSet;
import java.time.Clock;
import java.time.Duration;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClientBuilder;

/**
 * How the store talks to KairosDB.
 *
 * @param url              KairosDB's HTTP base URL, {@code http://127.0.0.1:8080}
 * @param mapping          where aggregates live (see {@link KairosMapping})
 * @param pointsPerRequest data points per HTTP request; KairosDB takes thousands per POST cheaply
 * @param gzip             compress write requests (JSON of data points shrinks about tenfold)
 * @param requestsInFlight write requests one store sends at once (a flush's points are split
 *                         over them; the write returns once every request is answered)
 * @param attempts         tries per request before a write fails with EngineUnavailableException
 * @param firstBackoff     wait before the second try; doubled for each further one
 * @param requestTimeout   connect and read timeout of one request
 * @param clock            the clock TTLs are computed from
 */
public record KairosStoreConfig(String url, KairosMapping mapping, int pointsPerRequest, boolean gzip,
                                int requestsInFlight, int attempts, Duration firstBackoff, Duration requestTimeout, Clock clock) {

    public KairosStoreConfig {
        if (url == null || !url.matches("https?://.+")) {
            throw new IllegalArgumentException("kairosdb url must start with http:// or https://, got '" + url + "'");
        }
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (mapping == null) {
            throw new IllegalArgumentException("kairosdb mapping must be given");
        }
        if (pointsPerRequest < 1) {
            throw new IllegalArgumentException("kairosdb pointsPerRequest must be at least 1, got " + pointsPerRequest);
        }
        if (requestsInFlight < 1) {
            throw new IllegalArgumentException("kairosdb requestsInFlight must be at least 1, got " + requestsInFlight);
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("kairosdb attempts must be at least 1, got " + attempts);
        }
        if (firstBackoff == null || firstBackoff.isNegative()) {
            throw new IllegalArgumentException("kairosdb firstBackoff must be zero or positive, got " + firstBackoff);
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("kairosdb requestTimeout must be positive, got " + requestTimeout);
        }
        if (clock == null) {
            throw new IllegalArgumentException("kairosdb clock must be given");
        }
    }

    /**
     * Defaults for one machine: finest resolution 1 minute, 5,000 points per gzipped request,
     * 4 requests in flight, 4 tries 0.25 s, 0.5 s, 1 s apart, 30 s timeout.
     */
    public static KairosStoreConfig of(String url) {
        return new KairosStoreConfig(url, KairosMapping.finestEverywhere(Resolution.MINUTE), 5_000, true, 4, 4,
                Duration.ofMillis(250), Duration.ofSeconds(30), Clock.systemUTC());
    }

    /** The defaults of {@link #of(String)}, the points where {@code rules} write them. */
    public static KairosStoreConfig forRules(String url, RuleSet rules) {
        return of(url).withMapping(KairosMapping.forRules(rules));
    }

    /** An HTTP client to KairosDB: {@code requestTimeout} to connect, to read, and to wait for a pooled connection. */
    HttpClientBuilder httpClient() {
        int timeout = Math.toIntExact(requestTimeout.toMillis());
        return HttpClientBuilder.create()
                .setMaxConnPerRoute(16)
                .setMaxConnTotal(32)
                .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout)
                        .setConnectionRequestTimeout(timeout).build());
    }

    public KairosStoreConfig withMapping(KairosMapping newMapping) {
        return new KairosStoreConfig(url, newMapping, pointsPerRequest, gzip, requestsInFlight, attempts, firstBackoff, requestTimeout,
                clock);
    }

    public KairosStoreConfig withBatching(int newPointsPerRequest, boolean newGzip) {
        return new KairosStoreConfig(url, mapping, newPointsPerRequest, newGzip, requestsInFlight, attempts, firstBackoff, requestTimeout,
                clock);
    }

    public KairosStoreConfig withRequestsInFlight(int requests) {
        return new KairosStoreConfig(url, mapping, pointsPerRequest, gzip, requests, attempts, firstBackoff,
                requestTimeout, clock);
    }

    public KairosStoreConfig withRetries(int newAttempts, Duration newFirstBackoff) {
        return new KairosStoreConfig(url, mapping, pointsPerRequest, gzip, requestsInFlight, newAttempts, newFirstBackoff, requestTimeout,
                clock);
    }

    public KairosStoreConfig withClock(Clock newClock) {
        return new KairosStoreConfig(url, mapping, pointsPerRequest, gzip, requestsInFlight, attempts, firstBackoff, requestTimeout,
                newClock);
    }
}
