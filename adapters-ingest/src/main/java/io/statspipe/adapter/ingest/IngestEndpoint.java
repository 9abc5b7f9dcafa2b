package io.statspipe.adapter.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Series;
import io.statspipe.ports.in.RecordEventsCommand;
import io.statspipe.ports.in.RecordEventsUseCase;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.RequestClaim;
import io.statspipe.ports.out.RequestReceipt;
import io.statspipe.ports.service.ListSeriesService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/v1/ingest}, the one HTTP ingest of {@code statspipe up} and {@code statspipe
 * agent}, calling {@link RecordEventsUseCase}. The HTTP edge authenticates the writer and mounts it
 * ({@link Request} is what it hands over, {@link Answer} and {@link Refused} what it sends back). The body is StatsD lines, one per line (text/plain, UTF-8), or, with {@code
 * Content-Type: application/json}, the JSON batch of {@link JsonBatchParser}. The answer, 200
 * {@code {"accepted": N, "refused": ["'line': reason", "event 3: reason", ...], "refused_count": M}},
 * comes only once the N accepted events are durably spooled; a bad line or event is refused with
 * its reason (a StatsD line also goes to the dead-letter topic) without failing the rest. 400
 * when the body as a whole is not a batch, 503 when the spool cannot take the events (nothing of
 * that request was kept), each as {@code {"error": "...", "status": N}}.
 *
 * <p>Who may write what: the edge decides who the writer is (with a token required, a request
 * must carry one with the ingest scope: 401 without, 403 without the scope). A tenant's writer
 * writes only its tenant: a line without a {@code tenant} tag gets the writer's tenant, a line
 * naming another tenant is refused. An administrator, or no token where none is required, writes
 * what the lines say.
 */
public final class IngestEndpoint {
    public static final String PATH = "/api/v1/ingest";
    private static final int MAX_REFUSALS_LISTED = 100;
    private static final int MAX_KEY_LENGTH = 255;
    /** The StatsD parser keeps a cache of recent series and is not thread-safe: one per HTTP thread. */
    private final ThreadLocal<StatsdLineParser> parsers;
    private static final JsonBatchParser JSON_BATCHES = new JsonBatchParser();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One request as the HTTP edge hands it over, its body already read within the edge's limit.
     *
     * @param writerTenant the only tenant the writer may write, or empty when it may write every tenant
     */
    public record Request(String method, byte[] body, boolean json, Optional<String> idempotencyKey,
                          Optional<String> writerTenant) {
    }

    /** The answer to send: a status and its JSON body. */
    public record Answer(int status, byte[] json) {
    }

    /** A request refused whole: the HTTP status and the reason for the caller. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        public Refused(int status, String reason) {
            super(reason);
            this.status = status;
        }

        public int status() {
            return status;
        }
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

        /** DogStatsD events and service checks received and ignored. */
        default void ignored(long lines) {
        }
    }

    private final RecordEventsUseCase recorder;
    private final Counts counts;

    public IngestEndpoint(RecordEventsUseCase recorder, Counts counts) {
        this(recorder, counts, GaugeDeltas.DOGSTATSD);
    }

    /** With {@code gaugeDeltas}: what {@code -N|g} in a body of StatsD lines means. */
    public IngestEndpoint(RecordEventsUseCase recorder, Counts counts, GaugeDeltas gaugeDeltas) {
        this.recorder = recorder;
        this.counts = counts;
        this.parsers = ThreadLocal.withInitial(() -> new StatsdLineParser(gaugeDeltas));
    }

    /**
     * @throws Refused when the request is refused whole (405, 400, 409, 422, 503)
     */
    public Answer handle(Request request) {
        if (!request.method().equals("POST")) {
            throw new Refused(405, "POST StatsD lines (or a JSON batch) to " + PATH);
        }
        Optional<String> tenant = request.writerTenant();
        if (request.idempotencyKey().isEmpty()) {
            return spool(request, tenant, Optional.empty());
        }
        // keys are per writer: a tenant neither sees nor blocks another's
        String key = tenant.orElse("*") + "/" + checkedKey(request.idempotencyKey().get());
        byte[] hash = bodyHash(request);
        RequestClaim claim = recorder.claim(key, hash);
        if (claim instanceof RequestClaim.Repeat repeat) {
            return new Answer(200, repeat.answer());
        }
        if (claim instanceof RequestClaim.OtherBody) {
            throw new Refused(422, "Idempotency-Key " + request.idempotencyKey().get() + " was used for another body"
                    + " within the window: a new request needs a new key");
        }
        if (claim instanceof RequestClaim.InProgress) {
            throw new Refused(409, "a request with Idempotency-Key " + request.idempotencyKey().get()
                    + " is being spooled: retry once it is answered");
        }
        try {
            return spool(request, tenant, Optional.of(new Keyed(key, hash)));
        } finally {
            recorder.release(key);
        }
    }

    /** A request's claimed key (scoped to its writer) and its body's hash. */
    private record Keyed(String key, byte[] hash) {
    }

    /** Parses and spools the request, with its receipt when it has a key. */
    private Answer spool(Request request, Optional<String> tenant, Optional<Keyed> keyed) {
        Refusals refusals = new Refusals();
        List<Event> events = request.json() ? json(request.body(), tenant, refusals)
                : statsd(request.body(), tenant, refusals);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", events.size());
        answer.put("refused", refusals.listed);
        answer.put("refused_count", refusals.count);
        answer.put("ignored", refusals.ignored);
        Answer response = new Answer(200, json(answer));
        RecordEventsCommand command = new RecordEventsCommand(events, "http");
        try {
            if (keyed.isPresent()) {
                recorder.record(command, new RequestReceipt(keyed.get().key(), keyed.get().hash(), System.currentTimeMillis(),
                        response.json()));
            } else {
                recorder.record(command);
            }
        } catch (EngineUnavailableException e) {
            throw new Refused(503, "the agent cannot spool now (nothing of this request was kept): " + e.getMessage());
        }
        counts.accepted(events.size());
        counts.refused(refusals.count);
        counts.ignored(refusals.ignored);
        return response;
    }

    /** A key is 1 to 255 visible ASCII characters (a UUID is the usual one). */
    private static String checkedKey(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new Refused(400, "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " visible ASCII characters, got '"
                    + key.substring(0, Math.min(key.length(), MAX_KEY_LENGTH)) + "'");
        }
        return key;
    }

    /** What makes two requests the same request: the body and how it is to be read. */
    private static byte[] bodyHash(Request request) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((byte) (request.json() ? 'j' : 's'));
            return sha.digest(request.body());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static byte[] json(Map<String, Object> answer) {
        try {
            return JSON.writeValueAsBytes(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON answer", e);
        }
    }

    private List<Event> json(byte[] body, Optional<String> tenant, Refusals refusals) {
        JsonBatchParser.Parsed parsed;
        try {
            parsed = JSON_BATCHES.parse(body, body.length, System.currentTimeMillis());
        } catch (InvalidStatException e) {
            recorder.countRefused(1);
            counts.refused(1);
            throw new Refused(400, e.getMessage());
        }
        for (JsonBatchParser.Rejection r : parsed.rejected()) {
            refusals.add("event " + r.index() + ": " + r.reason());
        }
        recorder.countRefused(parsed.rejected().size());
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
                recorder.countRefused(1);
                refusals.add("event " + index + ": " + refused.getMessage());
            }
            index++;
        }
        return events;
    }

    private List<Event> statsd(byte[] body, Optional<String> tenant, Refusals refusals) {
        long now = System.currentTimeMillis();
        List<Event> events = new ArrayList<>();
        StatsdLineParser parser = parsers.get();
        StatsdLineParser.Rejections deadLetter = (data, offset, length, reason) -> {
            refusals.add("'" + new String(data, offset, length, StandardCharsets.UTF_8) + "': " + reason);
            recorder.refuse(Arrays.copyOfRange(data, offset, offset + length), reason, "http");
        };
        if (tenant.isEmpty()) {
            refusals.ignored += parser.parse(body, 0, body.length, now, events, deadLetter);
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
            refusals.ignored += parser.parse(body, start, end - start, now, line, deadLetter);
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
        Optional<String> named = e.series().tags().value(ListSeriesService.TENANT_TAG);
        if (named.isEmpty()) {
            Series own = new Series(e.series().metric(), e.series().tags().with(ListSeriesService.TENANT_TAG, tenant));
            return new Event(own, e.timestamp(), e.kind(), e.value(), e.sampleRate(), e.relative());
        }
        if (!named.get().equals(tenant)) {
            throw new InvalidStatException("tenant " + tenant + " may not write series of tenant " + named.get());
        }
        return e;
    }

    /** The lines and events a request refused (the first ones listed), and the DogStatsD lines it ignored. */
    private static final class Refusals {
        final List<String> listed = new ArrayList<>();
        long count;
        long ignored;

        void add(String refusal) {
            count++;
            if (listed.size() < MAX_REFUSALS_LISTED) {
                listed.add(refusal);
            }
        }
    }
}
