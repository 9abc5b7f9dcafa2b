package io.statspipe.adapter.kairosdb;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import io.statspipe.ports.out.ContentRefusedException;
import io.statspipe.ports.out.EngineUnavailableException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.function.Supplier;
import org.kairosdb.client.response.UnexpectedResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every retry of a KairosDB request (writes, reads, read-back), as one Failsafe policy built from
 * {@link KairosStoreConfig#attempts()} and {@link KairosStoreConfig#firstBackoff()} (doubled for
 * each further try). What is retried is what may pass: a refused or lost connection, a timeout, a
 * 5xx, 408 or 429. A 4xx answer is KairosDB refusing the request itself; it would refuse it again,
 * so it is not retried and the failure says so.
 */
final class KairosRetries implements KairosReads.Retrying {
    private static final Logger LOG = LoggerFactory.getLogger(KairosRetries.class);

    private final KairosStoreConfig config;

    KairosRetries(KairosStoreConfig config) {
        this.config = config;
    }

    /**
     * Runs a KairosDB call, retried while KairosDB is unavailable.
     *
     * @throws ContentRefusedException    when the call refused its content (thrown by the call itself)
     * @throws IllegalStateException      when KairosDB answered with a 4xx: it refuses the request
     * @throws EngineUnavailableException when the last try failed too
     */
    @Override
    public <T> T call(String what, Supplier<T> call) {
        RetryPolicy<T> policy = policy(what);
        try {
            return Failsafe.with(policy).get(call::get);
        } catch (ContentRefusedException e) {
            throw e;
        } catch (FailsafeException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("interrupted while waiting to retry: " + what + " at KairosDB "
                    + config.url(), e.getCause());
        } catch (RuntimeException e) {
            if (refusal(e)) {
                throw new IllegalStateException("KairosDB at " + config.url() + " refused to " + what + ": " + describe(e)
                        + " (not retried: it would refuse it again)", e);
            }
            throw new EngineUnavailableException("KairosDB at " + config.url() + " could not " + what + " after "
                    + config.attempts() + " tries: " + describe(e), e);
        }
    }

    private <T> RetryPolicy<T> policy(String what) {
        RetryPolicyBuilder<T> builder = RetryPolicy.<T>builder()
                .handleIf(e -> e instanceof RuntimeException && !refusal(e) && !(e instanceof ContentRefusedException))
                .withMaxAttempts(config.attempts())
                .onFailedAttempt(e -> LOG.debug("{} at KairosDB {} failed on try {}: {}", what, config.url(),
                        e.getAttemptCount(), describe(e.getLastException())))
                .onRetriesExceeded(e -> LOG.warn("KairosDB at {} is unavailable: {} failed {} times: {}", config.url(),
                        what, e.getAttemptCount(), describe(e.getException())))
                .onSuccess(e -> {
                    if (e.getAttemptCount() > 1) {
                        LOG.info("KairosDB at {} answered: {} on try {}", config.url(), what, e.getAttemptCount());
                    }
                });
        Duration first = config.firstBackoff();
        if (first.isZero() || config.attempts() < 3) {
            return (first.isZero() ? builder : builder.withDelay(first)).build();
        }
        // doubled for each further try: the last wait is first * 2^(attempts - 2)
        return builder.withBackoff(first, first.multipliedBy(1L << Math.min(config.attempts() - 2, 20))).build();
    }

    /** KairosDB refused the request itself (a 4xx other than a timeout or a throttle): asking again cannot help. */
    static boolean refusal(Throwable e) {
        return e instanceof UnexpectedResponseException u && u.getStatusCode() >= 400 && u.getStatusCode() < 500
                && u.getStatusCode() != 408 && u.getStatusCode() != 429;
    }

    /** What really failed, for a person: a refused connection, a timeout, or the answer's status, then the chain. */
    static String describe(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectException) {
                s.append("connection refused; ");
                break;
            }
            if (c instanceof HttpTimeoutException || c instanceof java.net.SocketTimeoutException) {
                s.append("no answer in time; ");
                break;
            }
            if (c instanceof UnexpectedResponseException u) {
                s.append("HTTP ").append(u.getStatusCode()).append("; ");
                break;
            }
        }
        s.append(t);
        for (Throwable c = t == null ? null : t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            s.append(" <- ").append(c);
        }
        return s.toString();
    }
}
