package io.statspipe.app.cluster;

import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.kairosdb.server.LocalCassandra;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.adapter.ring.cassandra.SeedProviderClasspath;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.service.QueryStatsService;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.storm.generated.ClusterSummary;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.SupervisorSummary;
import org.apache.storm.generated.TopologySummary;
import org.apache.storm.utils.NimbusClient;
import org.apache.storm.utils.Utils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Java side of {@code scripts/cluster-rehearsal.sh} and {@code scripts/ring-rehearsal.sh}: the
 * scripts start and kill the processes, this class runs a KairosDB for them (on H2, or on a
 * Cassandra ring), says how to start a ring node's JVM, sends traffic with exactly known figures,
 * reads every bucket back and compares, and kills the topology through Nimbus. Not a test of the
 * default build: the rehearsals need private network namespaces (Storm's Nimbus, Supervisors and
 * workers listen on every interface and have no setting for one address, so they run where the only
 * interfaces are the namespace's own; the ring's nodes each need an address of their own).
 */
@Command(name = "cluster-rehearsal", subcommands = {ClusterRehearsal.Kairos.class, ClusterRehearsal.CassandraJvm.class,
        ClusterRehearsal.Traffic.class, ClusterRehearsal.Verify.class, ClusterRehearsal.KillTopology.class,
        ClusterRehearsal.Supervisors.class})
public final class ClusterRehearsal {
    static final String COUNTER_METRIC = "rehearsal.hits";
    static final String TIMER_METRIC = "rehearsal.latency";
    static final String TENANT = "rehearsal";
    static final List<Resolution> RESOLUTIONS = List.of(Resolution.MINUTE, Resolution.HOUR);

    private ClusterRehearsal() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(ClusterRehearsal.class).execute(args));
    }

    /**
     * A KairosDB server (LocalKairosDb, on H2, or with {@code --cassandra} on a Cassandra ring at
     * {@code --replication-factor}, read and written at QUORUM) until this JVM is told to stop; it
     * exits with this JVM.
     */
    @Command(name = "kairosdb")
    static final class Kairos implements Callable<Integer> {
        @Option(names = "--dir", required = true)
        Path dir;
        @Option(names = "--port", required = true)
        int port;
        @Option(names = "--heap-mb", defaultValue = "256")
        int heapMb;
        @Option(names = "--cassandra", split = ",", description = "host:port of the ring's CQL ports, comma-separated")
        List<String> cassandra;
        @Option(names = "--replication-factor", defaultValue = "1")
        int replicationFactor;
        @Option(names = "--start-timeout", defaultValue = "PT2M")
        Duration startTimeout;

        @Override
        public Integer call() throws InterruptedException {
            LocalKairosDb.Builder builder = LocalKairosDb.builder().dataDir(dir).httpPort(port).heapMegabytes(heapMb)
                    .startTimeout(startTimeout);
            LocalKairosDb kairos = (cassandra == null ? builder.h2() : builder.cassandraRing(cassandra, replicationFactor))
                    .build();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kairos.stop();
                stopped.countDown();
            }, "kairosdb-stop"));
            kairos.start();
            System.out.println("kairosdb ready url=" + kairos.httpUrl() + " pid=" + kairos.pid());
            stopped.await();
            return 0;
        }
    }

    /**
     * Prints, one per line, the JVM options and classpath a Cassandra ring node is started with
     * ({@code java $(lines) org.apache.cassandra.service.CassandraDaemon}): Cassandra's Java 17
     * flags, its logging configuration (written to {@code --logback}) and jars, with statspipe's seed
     * provider jars appended (as an operator puts them in Cassandra's {@code lib/}).
     */
    @Command(name = "cassandra-jvm")
    static final class CassandraJvm implements Callable<Integer> {
        @Option(names = "--logback", required = true, description = "where to write the nodes' logback configuration")
        Path logback;

        @Override
        public Integer call() throws IOException {
            Files.writeString(logback, LocalCassandra.logbackConfiguration(), StandardCharsets.UTF_8);
            List<Path> classpath = new ArrayList<>(LocalCassandra.serverClasspath());
            classpath.addAll(SeedProviderClasspath.entries());
            LocalCassandra.java17Options().forEach(System.out::println);
            System.out.println("-Dlogback.configurationFile=" + logback.toAbsolutePath());
            System.out.println("-cp");
            System.out.println(String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()));
            return 0;
        }
    }

    /**
     * Sends counter and timer events to the agent's HTTP ingest in JSON batches with explicit
     * timestamps, paced over {@code --seconds}, and writes what every bucket must hold. A batch
     * the agent did not acknowledge in full stops the traffic: sending it again could count it
     * twice, and the comparison would no longer mean anything.
     */
    @Command(name = "traffic")
    static final class Traffic implements Callable<Integer> {
        private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");

        @Option(names = "--agent", required = true, description = "the agent's HTTP ingest base URL")
        String agent;
        @Option(names = "--events", defaultValue = "200000")
        int events;
        @Option(names = "--series", defaultValue = "100")
        int series;
        @Option(names = "--batch", defaultValue = "1000")
        int batch;
        @Option(names = "--seconds", defaultValue = "60")
        int seconds;
        @Option(names = "--seed", defaultValue = "1")
        long seed;
        @Option(names = "--expected", required = true)
        Path expectedFile;
        @Option(names = "--stop-file", description = "stop before the next batch once this file exists")
        Path stopFile;

        @Override
        public Integer call() throws Exception {
            Random random = new Random(seed);
            Expected expected = new Expected();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            URI uri = URI.create(agent + "/api/v1/ingest");
            int batches = (events + batch - 1) / batch;
            long pauseNanos = Duration.ofSeconds(seconds).toNanos() / batches;
            long start = System.nanoTime();
            long reported = start;
            int sent = 0;
            for (int b = 0; b < batches; b++) {
                if (stopFile != null && Files.exists(stopFile)) {
                    System.out.printf("traffic: stopped by %s after %d events%n", stopFile, sent);
                    break;
                }
                long now = System.currentTimeMillis();
                int size = Math.min(batch, events - sent);
                StringBuilder json = new StringBuilder(size * 120).append("{\"events\":[");
                List<Runnable> adds = new ArrayList<>(size);
                for (int e = 0; e < size; e++) {
                    String s = "s" + random.nextInt(series);
                    // one batch in 20 is three minutes late: counted all the same, into its own bucket
                    long ts = b % 20 == 19 ? now - 180_000 - random.nextInt(5_000) : now - random.nextInt(5_000);
                    boolean counter = random.nextBoolean();
                    long value = counter ? 1 + random.nextInt(3) : 1 + random.nextInt(1_000);
                    String metric = counter ? COUNTER_METRIC : TIMER_METRIC;
                    if (e > 0) {
                        json.append(',');
                    }
                    json.append("{\"metric\":\"").append(metric).append("\",\"tags\":{\"tenant\":\"").append(TENANT)
                            .append("\",\"series\":\"").append(s).append("\"},\"kind\":\"")
                            .append(counter ? "counter" : "timer").append("\",\"value\":").append(value)
                            .append(",\"timestamp\":").append(ts).append('}');
                    Kind kind = counter ? Kind.COUNTER : Kind.DISTRIBUTION;
                    adds.add(() -> expected.add(kind, metric, s, ts, counter ? value : 1, value));
                }
                json.append("]}");
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                Matcher accepted = ACCEPTED.matcher(answer.body());
                if (answer.statusCode() != 200 || !accepted.find() || Long.parseLong(accepted.group(1)) != size) {
                    System.out.printf("traffic FAILED: batch %d of %d answered %d %s (expected 200 with \"accepted\": %d);"
                            + " %d events acknowledged before it%n", b + 1, batches, answer.statusCode(), answer.body(), size,
                            sent);
                    return 1;
                }
                adds.forEach(Runnable::run);
                sent += size;
                if ((b + 1) % Math.max(1, batches / 20) == 0 || b + 1 == batches) {
                    System.out.printf("traffic: %d of %d events acknowledged by the agent (%d%%)%n", sent, events,
                            100L * sent / events);
                } else if (stopFile != null && System.nanoTime() - reported >= Duration.ofMinutes(1).toNanos()) {
                    // traffic that runs until told to stop: a line a minute says it flows
                    System.out.printf("traffic: %d events acknowledged by the agent so far%n", sent);
                    reported = System.nanoTime();
                }
                long due = start + (b + 1) * pauseNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            expected.write(expectedFile);
            System.out.printf("traffic done: %d events in %d s, %d buckets expected%n", sent,
                    Duration.ofNanos(System.nanoTime() - start).toSeconds(), expected.buckets().size());
            return 0;
        }
    }

    /**
     * Reads every bucket of both metrics at both resolutions back from KairosDB through the
     * query port, polling until it matches or the deadline passes, then prints the summary.
     */
    @Command(name = "verify")
    static final class Verify implements Callable<Integer> {
        @Option(names = "--kairos", required = true)
        String kairos;
        @Option(names = "--expected", required = true)
        Path expectedFile;
        @Option(names = "--timeout", defaultValue = "PT3M")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            Map<String, long[]> want = Expected.read(expectedFile).buckets();
            long from = Long.MAX_VALUE;
            long to = Long.MIN_VALUE;
            for (String key : want.keySet()) {
                long bucket = Long.parseLong(key.substring(key.lastIndexOf('|') + 1));
                from = Math.min(from, bucket);
                to = Math.max(to, bucket);
            }
            TimeRange range = new TimeRange(from - 3_600_000L, to + 2 * 3_600_000L);
            Map<String, long[]> got = Map.of();
            long deadline = System.nanoTime() + timeout.toNanos();
            long started = System.nanoTime();
            try (KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(kairos))) {
                QueryStatsService queries = new QueryStatsService(store, 10_000_000);
                while (true) {
                    try {
                        got = stored(queries, range);
                    } catch (RuntimeException e) {
                        System.out.println("verify: query failed, retrying: " + e);
                    }
                    if (equal(want, got) || System.nanoTime() > deadline) {
                        break;
                    }
                    Thread.sleep(2_000);
                }
            }
            return summary(want, got, Duration.ofNanos(System.nanoTime() - started), System.out) ? 0 : 1;
        }

        static Map<String, long[]> stored(QueryStatsService queries, TimeRange range) {
            Map<String, long[]> stored = new TreeMap<>();
            for (Kind kind : List.of(Kind.COUNTER, Kind.DISTRIBUTION)) {
                String metric = kind == Kind.COUNTER ? COUNTER_METRIC : TIMER_METRIC;
                for (Resolution resolution : RESOLUTIONS) {
                    for (Aggregation aggregation : List.of(Aggregation.COUNT, Aggregation.SUM)) {
                        StatsQuery query = StatsQuery.of(metric, kind, range, resolution, aggregation).groupedBy("series");
                        for (SeriesResult result : queries.query(query)) {
                            String series = result.group().asMap().get("series");
                            for (Point p : result.points()) {
                                long[] figures = stored.computeIfAbsent(Expected.key(kind, metric, series, resolution,
                                        p.bucketStart()), k -> new long[2]);
                                figures[aggregation == Aggregation.COUNT ? 0 : 1] = Math.round(p.value());
                            }
                        }
                    }
                }
            }
            return stored;
        }

        static boolean equal(Map<String, long[]> want, Map<String, long[]> got) {
            if (!want.keySet().equals(got.keySet())) {
                return false;
            }
            return want.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), got.get(e.getKey())));
        }

        static boolean summary(Map<String, long[]> want, Map<String, long[]> got, Duration waited, PrintStream out) {
            long[] produced = new long[4];
            long[] stored = new long[4];
            int short_ = 0;
            int over = 0;
            int missing = 0;
            int unexpected = 0;
            long lost = 0;
            long doubled = 0;
            List<String> examples = new ArrayList<>();
            for (Map.Entry<String, long[]> e : want.entrySet()) {
                boolean minute = e.getKey().contains("|" + Resolution.MINUTE.name() + "|");
                long[] w = e.getValue();
                long[] g = got.get(e.getKey());
                if (minute) {
                    produced[0] += w[0];
                    produced[1] += w[1];
                }
                if (g == null) {
                    missing++;
                    lost += w[0];
                    addExample(examples, e.getKey() + " expected count " + w[0] + " sum " + w[1] + ", not stored");
                    continue;
                }
                if (minute) {
                    stored[0] += g[0];
                    stored[1] += g[1];
                }
                if (g[0] < w[0] || g[1] < w[1]) {
                    short_++;
                    lost += w[0] - g[0];
                } else if (g[0] > w[0] || g[1] > w[1]) {
                    over++;
                    doubled += g[0] - w[0];
                }
                if (!Arrays.equals(w, g)) {
                    addExample(examples, e.getKey() + " expected count " + w[0] + " sum " + w[1] + ", stored count "
                            + g[0] + " sum " + g[1]);
                }
            }
            for (String key : got.keySet()) {
                if (!want.containsKey(key)) {
                    unexpected++;
                    addExample(examples, key + " stored but never produced: count " + got.get(key)[0]);
                }
            }
            long minuteBuckets = want.keySet().stream().filter(k -> k.contains("|" + Resolution.MINUTE.name() + "|")).count();
            boolean pass = short_ == 0 && over == 0 && missing == 0 && unexpected == 0;
            out.printf("verify: %d buckets compared (%d per-minute, %d per-hour), count and sum of each, read back after %d s%n",
                    want.size(), minuteBuckets, want.size() - minuteBuckets, waited.toSeconds());
            out.printf("verify: produced (minute buckets) count %d sum %d; stored count %d sum %d%n", produced[0],
                    produced[1], stored[0], stored[1]);
            out.printf("verify: buckets short %d (lost %d), over %d (counted twice %d), missing %d, unexpected %d%n",
                    short_, lost, over, doubled, missing, unexpected);
            examples.forEach(x -> out.println("verify: MISMATCH " + x));
            out.println("verify: " + (pass ? "PASS, every bucket exact: zero lost, zero double" : "FAIL"));
            return pass;
        }

        private static void addExample(List<String> examples, String example) {
            if (examples.size() < 10) {
                examples.add(example);
            }
        }
    }

    /** Kills the topology through Nimbus and waits until Nimbus no longer lists it. */
    @Command(name = "kill-topology")
    static final class KillTopology implements Callable<Integer> {
        @Option(names = "--name", required = true)
        String name;
        @Option(names = "--timeout", defaultValue = "PT60S")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            Predicate<ClusterSummary> gone = cluster -> cluster.get_topologies().stream().map(TopologySummary::get_name)
                    .noneMatch(name::equals);
            try (NimbusClient nimbus = nimbus()) {
                KillOptions options = new KillOptions();
                options.set_wait_secs(0);
                nimbus.getClient().killTopologyWithOpts(name, options);
                if (gone.test(pollCluster(nimbus, timeout, gone))) {
                    System.out.println("topology " + name + " killed through Nimbus");
                    return 0;
                }
            }
            System.out.println("topology " + name + " still listed by Nimbus after " + timeout.toSeconds() + " s");
            return 1;
        }
    }

    /**
     * Waits until Nimbus lists {@code --count} Supervisors, then prints each (id, host, slots). A
     * topology submitted before every Supervisor registered is scheduled onto the ones Nimbus knows
     * of, and stays there.
     */
    @Command(name = "supervisors")
    static final class Supervisors implements Callable<Integer> {
        @Option(names = "--count", required = true)
        int count;
        @Option(names = "--timeout", defaultValue = "PT90S")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            List<SupervisorSummary> supervisors;
            try (NimbusClient nimbus = nimbus()) {
                supervisors = pollCluster(nimbus, timeout, cluster -> cluster.get_supervisors_size() >= count).get_supervisors();
            }
            if (supervisors.size() < count) {
                System.out.printf("Nimbus lists %d Supervisors after %d s, not %d%n", supervisors.size(), timeout.toSeconds(),
                        count);
                return 1;
            }
            supervisors.forEach(s -> System.out.printf("supervisor %s on %s: %d slots%n", s.get_supervisor_id(), s.get_host(),
                    s.get_num_workers()));
            return 0;
        }
    }

    /** A client of the Nimbus that {@code -Dstorm.options} names. */
    private static NimbusClient nimbus() throws Exception {
        return NimbusClient.Builder.withConf(Utils.readStormConfig()).build();
    }

    /** Nimbus's cluster summary, asked for every half second until {@code done} holds or the timeout passes. */
    private static ClusterSummary pollCluster(NimbusClient nimbus, Duration timeout, Predicate<ClusterSummary> done)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ClusterSummary cluster = nimbus.getClient().getClusterInfo();
            if (done.test(cluster) || System.nanoTime() > deadline) {
                return cluster;
            }
            Thread.sleep(500);
        }
    }

    /** What each (kind, metric, series, resolution, bucket) must hold: count, and sum of values. */
    static final class Expected {
        private final Map<String, long[]> buckets = new TreeMap<>();

        static String key(Kind kind, String metric, String series, Resolution resolution, long bucketStart) {
            return kind + "|" + metric + "|" + series + "|" + resolution.name() + "|" + bucketStart;
        }

        void add(Kind kind, String metric, String series, long timestamp, long count, long sum) {
            for (Resolution r : RESOLUTIONS) {
                long[] figures = buckets.computeIfAbsent(key(kind, metric, series, r, r.bucketOf(timestamp).start()),
                        k -> new long[2]);
                figures[0] += count;
                figures[1] += sum;
            }
        }

        Map<String, long[]> buckets() {
            return buckets;
        }

        void write(Path file) throws IOException {
            StringBuilder text = new StringBuilder();
            buckets.forEach((k, v) -> text.append(k).append('\t').append(v[0]).append('\t').append(v[1]).append('\n'));
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }

        static Expected read(Path file) throws IOException {
            Expected expected = new Expected();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                if (f.length != 3) {
                    throw new IOException("line '" + line + "' of " + file + " is not key<TAB>count<TAB>sum");
                }
                expected.buckets.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
            return expected;
        }
    }
}
