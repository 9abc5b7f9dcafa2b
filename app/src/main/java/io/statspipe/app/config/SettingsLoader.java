package io.statspipe.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.statspipe.adapter.http.HttpEdge;
import io.statspipe.adapter.http.Scope;
import io.statspipe.adapter.http.Tls;
import io.statspipe.adapter.http.Token;
import io.statspipe.adapter.ingest.GaugeDeltas;
import io.statspipe.domain.RollupSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads statspipe's configuration (HOCON, via Typesafe Config) and validates it before anything
 * starts. Precedence, highest first: command-line options, {@code -Dstatspipe.*} system
 * properties, {@code STATSPIPE_*} environment variables, the configuration file, the defaults
 * in {@code statspipe-defaults.conf}. Every key a user sets must exist in the defaults: a typo
 * is an error, not a silently ignored setting.
 */
public final class SettingsLoader {
    static final String DEFAULTS = "statspipe-defaults.conf";
    private static final String ROOT = "statspipe";
    /** Environment variables that are not configuration keys. */
    private static final Set<String> NOT_KEYS = Set.of("STATSPIPE_JAVA_OPTS", "STATSPIPE_CONFIG", "STATSPIPE_TOKEN",
            "STATSPIPE_URL", "STATSPIPE_HOME", "STATSPIPE_CLASSPATH");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.\\-]{1,255}");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final List<String> TOKEN_KEYS = List.of("tenant", "admin", "sha256", "scopes");

    private SettingsLoader() {
    }

    /** Whether {@code tenant} may name a tenant in {@code statspipe.api.tokens}: a tag value (letters, digits, _ . -). */
    public static boolean isTenant(String tenant) {
        return TENANT.matcher(tenant).matches();
    }

    /** Defaults plus whatever this process was given: {@code STATSPIPE_*}, {@code -Dstatspipe.*}, and {@code overrides}. */
    public static Settings load(Optional<Path> file, Map<String, String> overrides) {
        return load(file, System.getenv(), System.getProperties(), overrides);
    }

    public static Settings load(Optional<Path> file, Map<String, String> environment, Properties systemProperties,
                                Map<String, String> overrides) {
        Config defaults = ConfigFactory.parseResources(SettingsLoader.class, "/" + DEFAULTS,
                ConfigParseOptions.defaults().setAllowMissing(false));
        Config user = ConfigFactory.empty();
        if (file.isPresent()) {
            Path path = file.get();
            if (!Files.isRegularFile(path)) {
                throw new ConfigurationException("configuration file " + path.toAbsolutePath() + " does not exist");
            }
            try {
                user = ConfigFactory.parseFile(path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new ConfigurationException("configuration file " + path + " cannot be read: " + e.getMessage(), e);
            }
        }
        user = fromEnvironment(environment, defaults).withFallback(user);
        user = fromSystemProperties(systemProperties).withFallback(user);
        user = fromMap(overrides, "command line").withFallback(user);
        refuseUnknownKeys(user, defaults);
        Config c = user.withFallback(defaults).resolve();
        return read(new Reader(c));
    }

    private static Settings read(Reader r) {
        List<Token> tokens = new ArrayList<>(r.tokens("statspipe.api.tokens"));
        // The older form of an administrator: reads every tenant, writes nothing.
        for (String sha256 : r.sha256List("statspipe.api.admin-sha256")) {
            tokens.add(Token.admin(sha256, Scope.QUERY));
        }
        refuseSharedTokens(tokens);
        HttpEdge edge = new HttpEdge(r.atLeast("statspipe.api.header-timeout", Duration.ofMillis(100)),
                r.atLeast("statspipe.api.idle-timeout", Duration.ofMillis(100)), r.positiveInt("statspipe.api.max-connections"),
                r.atLeastInt("statspipe.api.threads", 8), r.positiveInt("statspipe.api.queue"),
                r.atLeastInt("statspipe.api.max-body-bytes", 1024));
        Settings.Api api = new Settings.Api(r.address("statspipe.api.bind"), r.port("statspipe.api.port"), tokens,
                r.positiveLong("statspipe.api.max-buckets"), edge, r.tls());
        Settings.Statsd statsd = new Settings.Statsd(r.address("statspipe.statsd.bind"), r.port("statspipe.statsd.port"),
                gaugeDeltas(r.string("statspipe.statsd.gauge-deltas")));
        Settings.Ingest ingest = new Settings.Ingest(r.bool("statspipe.ingest.require-token"));
        Engines.EventLog logEngine = Engines.parse(Engines.EventLog.class, "statspipe.event-log.engine",
                r.string("statspipe.event-log.engine"));
        String bootstrap = r.string("statspipe.event-log.bootstrap-servers");
        if (logEngine == Engines.EventLog.KAFKA) {
            r.hostPorts("statspipe.event-log.bootstrap-servers", bootstrap);
        }
        KafkaClientProperties client = r.kafkaClient();
        String protocol = client.properties().getOrDefault("security.protocol", "PLAINTEXT");
        if (logEngine == Engines.EventLog.EMBEDDED_KAFKA && !protocol.equalsIgnoreCase("PLAINTEXT")) {
            throw new ConfigurationException(KafkaClientProperties.KEY + ".security.protocol = " + protocol
                    + ": the embedded broker (statspipe.event-log.engine = embedded-kafka) listens on 127.0.0.1 in"
                    + " PLAINTEXT; TLS and SASL are for an external cluster (statspipe.event-log.engine = kafka)");
        }
        Settings.EventLog eventLog = new Settings.EventLog(logEngine, bootstrap, r.port("statspipe.event-log.port"),
                r.port("statspipe.event-log.controller-port"), r.positiveInt("statspipe.event-log.partitions"), client);
        Engines.Store storeEngine = Engines.parse(Engines.Store.class, "statspipe.store.engine",
                r.string("statspipe.store.engine"));
        String url = r.string("statspipe.store.url");
        if (storeEngine == Engines.Store.KAIROSDB && !url.matches("https?://[^/\\s]+(/.*)?")) {
            throw new ConfigurationException("statspipe.store.url = '" + url
                    + "' must be KairosDB's base URL (http://host:port) when statspipe.store.engine = kairosdb");
        }
        Settings.Store store = new Settings.Store(storeEngine, url, r.port("statspipe.store.port"),
                r.positiveInt("statspipe.store.heap-mb"));
        Duration flushInterval = r.atLeast("statspipe.topology.flush-interval", Duration.ofSeconds(1));
        Settings.Topology topology = new Settings.Topology(
                Engines.parse(Engines.Topology.class, "statspipe.topology.engine", r.string("statspipe.topology.engine")),
                r.nonEmpty("statspipe.topology.name"), flushInterval,
                r.atLeast("statspipe.topology.coarse-flush-interval", flushInterval),
                r.positiveInt("statspipe.topology.rollup-parallelism"), r.positiveInt("statspipe.topology.workers"),
                r.positiveLong("statspipe.topology.series-limit-per-tenant"), r.positiveLong("statspipe.topology.series-limit"));
        Engines.Legacy legacyEngine = Engines.parse(Engines.Legacy.class, "statspipe.legacy.engine",
                r.string("statspipe.legacy.engine"));
        String uri = r.string("statspipe.legacy.uri");
        if (legacyEngine == Engines.Legacy.MONGO && !uri.startsWith("mongodb://")) {
            throw new ConfigurationException("statspipe.legacy.uri = '" + uri
                    + "' must be a mongodb:// URI when statspipe.legacy.engine = mongo");
        }
        Settings.Legacy legacy = new Settings.Legacy(legacyEngine, uri, r.port("statspipe.legacy.port"),
                r.nonEmpty("statspipe.legacy.database"));
        Settings.Agent agent = new Settings.Agent(r.positiveLong("statspipe.agent.spool-max-bytes"));
        Settings.Migration migration = new Settings.Migration(r.atLeast("statspipe.migration.switch-margin", Duration.ZERO),
                r.atLeast("statspipe.migration.settle-time", Duration.ZERO), r.bool("statspipe.migration.shadow-reads"),
                r.positiveInt("statspipe.migration.backfill-batch"), r.nonNegativeInt("statspipe.migration.backfill-rate"));
        // The topology runs with the domain's horizon (TopologySettings.defaults); the rules' buckets must fit it.
        RollupRules rollup = RollupRules.read(r.c(), flushInterval, RollupSettings.DEFAULTS.horizon());
        Settings settings = new Settings(Path.of(r.nonEmpty("statspipe.data-dir")), api, statsd, ingest, eventLog, store,
                topology, rollup, legacy, agent, migration);
        refuseSharedPorts(settings);
        return settings;
    }

    private static void refuseSharedPorts(Settings s) {
        Map<Integer, String> used = new TreeMap<>();
        List<Map.Entry<String, Integer>> ports = new ArrayList<>();
        ports.add(Map.entry("statspipe.api.port", s.api().port()));
        if (s.eventLog().engine() == Engines.EventLog.EMBEDDED_KAFKA) {
            ports.add(Map.entry("statspipe.event-log.port", s.eventLog().port()));
            ports.add(Map.entry("statspipe.event-log.controller-port", s.eventLog().controllerPort()));
        }
        if (s.store().engine() != Engines.Store.KAIROSDB) {
            ports.add(Map.entry("statspipe.store.port", s.store().port()));
        }
        if (s.legacy().engine() == Engines.Legacy.EMBEDDED_MONGO) {
            ports.add(Map.entry("statspipe.legacy.port", s.legacy().port()));
        }
        // UDP and TCP ports do not collide, so statsd.port is not compared.
        for (Map.Entry<String, Integer> p : ports) {
            String other = used.putIfAbsent(p.getValue(), p.getKey());
            if (other != null) {
                throw new ConfigurationException(p.getKey() + " = " + p.getValue() + " is the same port as " + other
                        + ": every listener needs a port of its own");
            }
        }
    }

    private static void refuseSharedTokens(List<Token> tokens) {
        Map<String, Token> byHash = new TreeMap<>();
        for (Token t : tokens) {
            Token other = byHash.putIfAbsent(t.sha256(), t);
            if (other != null) {
                // Never echo the hash: it identifies a token.
                throw new ConfigurationException("statspipe.api.tokens: one token hash is configured twice ("
                        + other.tenant().map(x -> "tenant " + x).orElse("admin") + " and "
                        + t.tenant().map(x -> "tenant " + x).orElse("admin")
                        + "; statspipe.api.admin-sha256 counts too): give each token one entry");
            }
        }
    }

    private static Config fromEnvironment(Map<String, String> environment, Config defaults) {
        Map<String, String> keys = new TreeMap<>();
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("STATSPIPE_") || NOT_KEYS.contains(name)) {
                continue;
            }
            String key = ROOT + "." + name.substring("STATSPIPE_".length()).toLowerCase(Locale.ROOT)
                    .replace("__", "-").replace('_', '.');
            if (!defaults.hasPathOrNull(key) && !inKafkaClientBlock(key)) {
                throw new ConfigurationException("environment variable " + name + " names no configuration key ("
                        + key + " does not exist; see the configuration reference in README.md)");
            }
            keys.put(key, e.getValue());
        }
        return fromMap(keys, "environment");
    }

    private static Config fromSystemProperties(Properties properties) {
        Map<String, String> keys = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(ROOT + ".")) {
                keys.put(name, properties.getProperty(name));
            }
        }
        return fromMap(keys, "system properties");
    }

    private static Config fromMap(Map<String, String> keys, String origin) {
        Config c = ConfigFactory.empty(origin);
        for (Map.Entry<String, String> e : keys.entrySet()) {
            c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue(), origin));
        }
        return c;
    }

    /** A key inside {@code statspipe.event-log.client}, which takes any Kafka client property. */
    private static GaugeDeltas gaugeDeltas(String value) {
        for (GaugeDeltas d : GaugeDeltas.values()) {
            if (d.configName().equals(value)) {
                return d;
            }
        }
        throw new ConfigurationException("statspipe.statsd.gauge-deltas = '" + value + "' is not a meaning of '-N|g'"
                + " statspipe knows: use dogstatsd (a negative level) or etsy (a decrement)");
    }

    private static boolean inKafkaClientBlock(String key) {
        return key.startsWith(KafkaClientProperties.KEY + ".");
    }

    private static void refuseUnknownKeys(Config user, Config defaults) {
        for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
            if (!defaults.hasPathOrNull(e.getKey()) && !inKafkaClientBlock(e.getKey())) {
                String origin = e.getValue().origin().description();
                throw new ConfigurationException("unknown configuration key " + e.getKey() + " (set in " + origin
                        + "); see the configuration reference in README.md");
            }
        }
        // keySet, not unwrapped(): a value may still hold a substitution, such as the one of 'tokens += {...}'.
        for (String key : user.root().keySet()) {
            if (!key.equals(ROOT)) {
                throw new ConfigurationException("unknown configuration key " + key
                        + ": every key lives under 'statspipe'");
            }
        }
    }

    /** Typed reads that turn every mistake into a message naming key and value. */
    private record Reader(Config c) {
        String raw(String key) {
            return String.valueOf(c.getValue(key).unwrapped());
        }

        <T> T typed(String key, String expected, Function<String, T> read) {
            try {
                return read.apply(key);
            } catch (ConfigException e) {
                throw new ConfigurationException(key + " = '" + raw(key) + "' is not " + expected, e);
            }
        }

        String string(String key) {
            return typed(key, "a string", c::getString);
        }

        String nonEmpty(String key) {
            String s = string(key);
            if (s.isBlank()) {
                throw new ConfigurationException(key + " must not be empty");
            }
            return s;
        }

        boolean bool(String key) {
            return typed(key, "true or false", c::getBoolean);
        }

        int port(String key) {
            int port = typed(key, "a port number (1 to 65535)", c::getInt);
            if (port < 1 || port > 65535) {
                throw new ConfigurationException(key + " = " + port + " is not a port number (1 to 65535)");
            }
            return port;
        }

        int positiveInt(String key) {
            int v = typed(key, "a whole number", c::getInt);
            if (v < 1) {
                throw new ConfigurationException(key + " = " + v + " must be at least 1");
            }
            return v;
        }

        int atLeastInt(String key, int min) {
            int v = typed(key, "a whole number", c::getInt);
            if (v < min) {
                throw new ConfigurationException(key + " = " + v + " must be at least " + min);
            }
            return v;
        }

        /** An IP address literal to listen on (no host name: a listener's address is a decision, not a lookup). */
        String address(String key) {
            String a = string(key).trim();
            boolean literal = IPV4.matcher(a).matches() || (a.contains(":") && a.matches("[0-9A-Fa-f:.]+"));
            if (literal) {
                try {
                    InetAddress.getByName(a);
                    return a;
                } catch (UnknownHostException e) {
                    // falls through to the error below
                }
            }
            throw new ConfigurationException(key + " = '" + a
                    + "' is not an IP address to listen on (127.0.0.1, ::1, 10.1.2.3, ...)");
        }

        int nonNegativeInt(String key) {
            int v = typed(key, "a whole number", c::getInt);
            if (v < 0) {
                throw new ConfigurationException(key + " = " + v + " must be zero or more");
            }
            return v;
        }

        long positiveLong(String key) {
            long v = typed(key, "a whole number", c::getLong);
            if (v < 1) {
                throw new ConfigurationException(key + " = " + v + " must be at least 1");
            }
            return v;
        }

        Duration atLeast(String key, Duration min) {
            Duration d = typed(key, "a duration such as 10s, 15m or 6h", c::getDuration);
            if (d.compareTo(min) < 0) {
                throw new ConfigurationException(key + " = " + raw(key) + " must be at least " + min);
            }
            return d;
        }

        List<String> sha256List(String key) {
            List<String> list = typed(key, "a list of SHA-256 hex strings", c::getStringList);
            for (int i = 0; i < list.size(); i++) {
                checkSha256(key + "[" + i + "]", list.get(i));
            }
            return list;
        }

        /**
         * {@code [{ tenant = acme, sha256 = "...", scopes = [query, ingest] }, { admin = true, sha256 = "...", ... }]};
         * {@code scopes} defaults to {@code [query]}, what every token could do before tokens had scopes.
         */
        List<Token> tokens(String key) {
            List<? extends ConfigObject> entries = typed(key,
                    "a list of { tenant = ..., sha256 = ..., scopes = [...] }", c::getObjectList);
            List<Token> tokens = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                Config entry = entries.get(i).toConfig();
                String where = key + "[" + i + "]";
                for (String k : entry.root().keySet()) {
                    if (!TOKEN_KEYS.contains(k)) {
                        throw new ConfigurationException("unknown configuration key " + where + "." + k
                                + ": a token has only " + TOKEN_KEYS);
                    }
                }
                boolean admin = entry.hasPath("admin") && typedIn(entry, where + ".admin", "true or false", entry::getBoolean);
                Optional<String> tenant = Optional.empty();
                if (admin == entry.hasPath("tenant")) {
                    throw new ConfigurationException(where + " must name either a tenant (tenant = acme) or admin = true");
                }
                if (!admin) {
                    String t = typedIn(entry, where + ".tenant", "a string", entry::getString);
                    if (!isTenant(t)) {
                        throw new ConfigurationException(where + ".tenant must be a tag value (letters, digits, _ . -), got '"
                                + t + "'");
                    }
                    tenant = Optional.of(t);
                }
                if (!entry.hasPath("sha256")) {
                    throw new ConfigurationException(where + ".sha256 is missing: the SHA-256 hex of the token");
                }
                checkSha256(where + ".sha256", entry.getString("sha256"));
                tokens.add(new Token(tenant, entry.getString("sha256"), scopes(entry, where + ".scopes")));
            }
            return tokens;
        }

        private static Set<Scope> scopes(Config entry, String key) {
            if (!entry.hasPath("scopes")) {
                return Set.of(Scope.QUERY);
            }
            List<String> names = typedIn(entry, key, "a list of scopes (query, ingest)", entry::getStringList);
            if (names.isEmpty()) {
                throw new ConfigurationException(key + " is empty: a token needs at least one of query, ingest");
            }
            Set<Scope> scopes = new java.util.TreeSet<>();
            for (String name : names) {
                try {
                    scopes.add(Scope.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException(key + " = " + names + ": '" + name
                            + "' is not a scope (query, ingest)", e);
                }
            }
            return scopes;
        }

        private static <T> T typedIn(Config entry, String key, String expected, Function<String, T> read) {
            String path = key.substring(key.lastIndexOf('.') + 1);
            try {
                return read.apply(path);
            } catch (ConfigException e) {
                throw new ConfigurationException(key + " = '" + entry.getValue(path).unwrapped() + "' is not " + expected, e);
            }
        }

        /**
         * {@code statspipe.api.tls}: the keystore needs its password; so does a truststore. Whether the
         * files open is checked by whoever reads them (the server at start, the command line's client).
         */
        Tls tls() {
            Optional<Path> keystore = path("statspipe.api.tls.keystore");
            Optional<Path> truststore = path("statspipe.api.tls.truststore");
            String keystorePassword = string("statspipe.api.tls.keystore-password");
            String truststorePassword = string("statspipe.api.tls.truststore-password");
            if (keystore.isPresent() && keystorePassword.isEmpty()) {
                throw new ConfigurationException("statspipe.api.tls.keystore-password must be set when statspipe.api.tls.keystore"
                        + " is (the password of the PKCS12 file and of its key)");
            }
            if (truststore.isPresent() && truststorePassword.isEmpty()) {
                throw new ConfigurationException("statspipe.api.tls.truststore-password must be set when"
                        + " statspipe.api.tls.truststore is");
            }
            return new Tls(keystore, keystorePassword, truststore, truststorePassword);
        }

        private Optional<Path> path(String key) {
            String p = string(key).trim();
            return p.isEmpty() ? Optional.empty() : Optional.of(Path.of(p));
        }

        /**
         * {@code statspipe.event-log.client}: any Kafka client property, quoted
         * ({@code "security.protocol" = SSL}) or as a path ({@code security.protocol = SSL}, which is
         * what {@code -D}, {@code --set} and environment variables give); every value a string.
         */
        KafkaClientProperties kafkaClient() {
            String key = KafkaClientProperties.KEY;
            Config block = typed(key, "a block of Kafka client properties { \"security.protocol\" = SSL, ... }", c::getConfig);
            Map<String, String> properties = new TreeMap<>();
            for (Map.Entry<String, ConfigValue> e : block.entrySet()) {
                String name = String.join(".", ConfigUtil.splitPath(e.getKey()));
                ConfigValueType type = e.getValue().valueType();
                if (type != ConfigValueType.STRING && type != ConfigValueType.NUMBER && type != ConfigValueType.BOOLEAN) {
                    throw new ConfigurationException(key + "." + name + " must be a string (a Kafka client property's"
                            + " value), not a " + type.name().toLowerCase(Locale.ROOT));
                }
                properties.put(name, String.valueOf(e.getValue().unwrapped()));
            }
            return new KafkaClientProperties(properties);
        }

        void hostPorts(String key, String value) {
            if (value.isBlank()) {
                throw new ConfigurationException(key + " must list host:port of the brokers when statspipe.event-log.engine = kafka");
            }
            for (String hp : value.split(",")) {
                if (!hp.trim().matches("[^:\\s]+:\\d{1,5}")) {
                    throw new ConfigurationException(key + " = '" + value + "': '" + hp + "' is not host:port");
                }
            }
        }

        private static void checkSha256(String key, String value) {
            if (!SHA256_HEX.matcher(value).matches()) {
                // Never echo the value: someone may have pasted the token itself instead of its hash.
                throw new ConfigurationException(key + " is not a SHA-256 hex digest (64 characters 0-9a-f)"
                        + "; store the token's hash (sha256sum), never the token");
            }
        }
    }
}
