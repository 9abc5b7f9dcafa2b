package io.statspipe.app.ingest;

import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import io.statspipe.app.api.ApiException;
import io.statspipe.app.api.ApiServer;
import io.statspipe.app.api.Caller;
import io.statspipe.app.api.TenantScopedQueries;
import io.statspipe.app.api.TenantTokens;
import io.statspipe.app.config.Settings;
import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Series;
import io.statspipe.ports.out.EngineUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/v1/ingest}, the one HTTP ingest of {@code statspipe up} and {@code statspipe
 * agent}. The body is StatsD lines, one per line (text/plain, UTF-8), or, with {@code
 * Content-Type: application/json}, the JSON batch of {@link JsonBatchParser}. The answer, 200
 * {@code {"accepted": N, "refused": ["'line': reason", "event 3: reason", ...], "refused_count": M}},
 * comes only once the N accepted events are durably spooled; a bad line or event is refused with
 * its reason (a StatsD line also goes to the dead-letter topic) without failing the rest. 400
 * when the body as a whole is not a batch, 503 when the spool cannot take the events (nothing of
 * that request was kept), each as {@code {"error": "...", "status": N}}.
 *
 * <p>Who may write what ({@link Access}): with a token required, a request must carry one with
 * the ingest scope (401 without, 403 without the scope). A tenant's token writes only its
 * tenant: a line without a {@code tenant} tag gets the token's tenant, a line naming another
 * tenant is refused. An administrator's token, or no token where none is required, writes what
 * the lines say.
 */
public final class IngestEndpoint implements ApiServer.Endpoint {
    public static final String PATH = "/api/v1/ingest";
    private static final int MAX_REFUSALS_LISTED = 100;
    /** The StatsD parser keeps a cache of recent series and is not thread-safe: one per HTTP thread. */
    private static final ThreadLocal<StatsdLineParser> PARSERS = ThreadLocal.withInitial(StatsdLineParser::new);
    private static final JsonBatchParser JSON_BATCHES = new JsonBatchParser();

    /** The tokens ingest knows, and whether a request must carry one. */
    public record Access(TenantTokens tokens, boolean requireToken) {
        /** No token needed, none known: the loopback-only default. */
        public static final Access OPEN = new Access(new TenantTokens(List.of()), false);
    }

    /** Where the endpoint reports what it accepted and refused (statspipe's /metrics). */
    public interface Counts {
        Counts NONE = new Counts() {
            @Override
            public void accepted(long events) {
            }

            @Override
            public void refused(long inputs) {
            }
        };

        void accepted(long events);

        void refused(long inputs);
    }

    private final StoreAndForwardAgent agent;
    private final Access access;
    private final Counts counts;

    public IngestEndpoint(StoreAndForwardAgent agent, Access access, Counts counts) {
        this.agent = agent;
        this.access = access;
        this.counts = counts;
    }

    @Override
    public ApiServer.Response handle(ApiServer.Request request) {
        if (!request.method().equals("POST")) {
            throw new ApiException(405, "POST StatsD lines (or a JSON batch) to " + PATH);
        }
        Optional<String> tenant = writerTenant(request);
        Refusals refusals = new Refusals();
        List<Event> events = request.json() ? json(request.body(), tenant, refusals)
                : statsd(request.body(), tenant, refusals);
        try {
            agent.publish(events);
        } catch (EngineUnavailableException e) {
            throw new ApiException(503, "the agent cannot spool now (nothing of this request was kept): " + e.getMessage());
        }
        counts.accepted(events.size());
        counts.refused(refusals.count);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", events.size());
        answer.put("refused", refusals.listed);
        answer.put("refused_count", refusals.count);
        return ApiServer.Response.json(200, answer);
    }

    /** The tenant the request may write only, or empty when it may write every tenant. */
    private Optional<String> writerTenant(ApiServer.Request request) {
        if (request.authorization().isEmpty() && !access.requireToken()) {
            return Optional.empty();
        }
        Caller caller = access.tokens().authenticate(request.authorization()).require(Settings.Scope.INGEST);
        return caller.tenant();
    }

    private List<Event> json(byte[] body, Optional<String> tenant, Refusals refusals) {
        JsonBatchParser.Parsed parsed;
        try {
            parsed = JSON_BATCHES.parse(body, body.length, System.currentTimeMillis());
        } catch (InvalidStatException e) {
            agent.countRejected(1);
            counts.refused(1);
            throw new ApiException(400, e.getMessage());
        }
        for (JsonBatchParser.Rejection r : parsed.rejected()) {
            refusals.add("event " + r.index() + ": " + r.reason());
        }
        agent.countRejected(parsed.rejected().size());
        if (tenant.isEmpty()) {
            return parsed.events();
        }
        // Each element of "events" is either one parsed event or one rejection, in order: recover each event's index.
        List<Event> events = new ArrayList<>(parsed.events().size());
        int index = 0;
        int nextRejection = 0;
        for (Event e : parsed.events()) {
            while (nextRejection < parsed.rejected().size() && parsed.rejected().get(nextRejection).index() == index) {
                nextRejection++;
                index++;
            }
            try {
                events.add(writtenBy(e, tenant.get()));
            } catch (InvalidStatException refused) {
                agent.countRejected(1);
                refusals.add("event " + index + ": " + refused.getMessage());
            }
            index++;
        }
        return events;
    }

    private List<Event> statsd(byte[] body, Optional<String> tenant, Refusals refusals) {
        long now = System.currentTimeMillis();
        List<Event> events = new ArrayList<>();
        StatsdLineParser parser = PARSERS.get();
        StatsdLineParser.Rejections deadLetter = (data, offset, length, reason) -> {
            refusals.add("'" + new String(data, offset, length, StandardCharsets.UTF_8) + "': " + reason);
            agent.reject(Arrays.copyOfRange(data, offset, offset + length), reason, "http");
        };
        if (tenant.isEmpty()) {
            parser.parse(body, 0, body.length, now, events, deadLetter);
            return events;
        }
        // Line by line: a line naming another tenant is refused whole, like any other bad line.
        List<Event> line = new ArrayList<>();
        int start = 0;
        while (start < body.length) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            line.clear();
            parser.parse(body, start, end - start, now, line, deadLetter);
            try {
                List<Event> written = new ArrayList<>(line.size());
                for (Event e : line) {
                    written.add(writtenBy(e, tenant.get()));
                }
                events.addAll(written);
            } catch (InvalidStatException refused) {
                int contentEnd = end > start && body[end - 1] == '\r' ? end - 1 : end;
                deadLetter.reject(body, start, contentEnd - start, refused.getMessage());
            }
            start = end + 1;
        }
        return events;
    }

    /**
     * The event as a tenant's token writes it: tagged with its tenant when it names none.
     *
     * @throws InvalidStatException when it names another tenant (or has no room for the tenant tag)
     */
    static Event writtenBy(Event e, String tenant) {
        Optional<String> named = e.series().tags().value(TenantScopedQueries.TENANT_TAG);
        if (named.isEmpty()) {
            Series own = new Series(e.series().metric(), e.series().tags().with(TenantScopedQueries.TENANT_TAG, tenant));
            return new Event(own, e.timestamp(), e.kind(), e.value(), e.sampleRate());
        }
        if (!named.get().equals(tenant)) {
            throw new InvalidStatException("tenant " + tenant + " may not write series of tenant " + named.get());
        }
        return e;
    }

    /** The refusals of one request: every one counted, the first hundred listed. */
    private static final class Refusals {
        final List<String> listed = new ArrayList<>();
        long count;

        void add(String refusal) {
            count++;
            if (listed.size() < MAX_REFUSALS_LISTED) {
                listed.add(refusal);
            }
        }
    }
}
