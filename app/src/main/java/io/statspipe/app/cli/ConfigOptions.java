package io.statspipe.app.cli;

import io.statspipe.app.config.Settings;
import io.statspipe.app.config.SettingsLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every command shares to find its configuration. */
public final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (HOCON; every key in README.md's configuration reference). "
                    + "Default: $STATSPIPE_CONFIG if set, else the built-in defaults.")
    Path config;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Override one configuration key, e.g. --set statspipe.api.port=9070 (repeatable).")
    Map<String, String> set = new LinkedHashMap<>();

    /** The validated settings, with {@code extra} overrides from command-specific options. */
    public Settings settings(Map<String, String> extra) {
        Map<String, String> overrides = new LinkedHashMap<>(set);
        overrides.putAll(extra);
        Optional<Path> file = Optional.ofNullable(config)
                .or(() -> Optional.ofNullable(System.getenv("STATSPIPE_CONFIG")).filter(s -> !s.isBlank()).map(Path::of));
        return SettingsLoader.load(file, overrides);
    }

    /** Adds {@code key = value} to a command's overrides when its option was given. */
    public static void putIfSet(Map<String, String> overrides, String key, Object value) {
        if (value != null) {
            overrides.put(key, String.valueOf(value));
        }
    }

    public Settings settings() {
        return settings(Map.of());
    }
}
