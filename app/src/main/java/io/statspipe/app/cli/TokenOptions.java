package io.statspipe.app.cli;

import io.statspipe.adapter.http.LocalAdminToken;
import io.statspipe.app.config.Settings;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where a client command finds its bearer token: {@code --token}, else {@code $STATSPIPE_TOKEN},
 * else the administrator token {@code statspipe up} wrote to its data folder.
 */
public final class TokenOptions {
    @Option(names = "--token", description = "Bearer token. Default: $STATSPIPE_TOKEN if set, else the administrator "
            + "token that statspipe up keeps in <data-dir>/" + LocalAdminToken.FILE_NAME + ".")
    String token;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "The data folder of the statspipe up whose "
            + LocalAdminToken.FILE_NAME + " to use when neither --token nor $STATSPIPE_TOKEN is given "
            + "(statspipe.data-dir, default: data, as for statspipe up).")
    Path dataDir;

    /** A token and where it came from, for messages; never the token itself in them. */
    record Bearer(String token, String source) {
        @Override
        public String toString() {
            return "the token from " + source;
        }
    }

    /** The first token found, in the order of the options' help. */
    Optional<Bearer> bearer(Settings settings) throws IOException {
        if (token != null && !token.isBlank()) {
            return Optional.of(new Bearer(token.trim(), "--token"));
        }
        String env = System.getenv("STATSPIPE_TOKEN");
        if (env != null && !env.isBlank()) {
            return Optional.of(new Bearer(env.trim(), "$STATSPIPE_TOKEN"));
        }
        Path folder = dataDir != null ? dataDir : settings.dataDir();
        return LocalAdminToken.read(folder)
                .map(t -> new Bearer(t, LocalAdminToken.file(folder).toString()));
    }

    /** For an answer refused for its token (401, 403): which token was sent, so the user knows which to fix. */
    static String whichToken(int status, Optional<Bearer> bearer) {
        if (status != 401 && status != 403) {
            return "";
        }
        return bearer.map(b -> " (sent " + b + ")").orElse(" (sent no token: none in --token, $STATSPIPE_TOKEN or "
                + "<data-dir>/" + LocalAdminToken.FILE_NAME + ")");
    }

    /**
     * Sends {@code pathAndQuery} to the API ({@code post} or GET) with this command's token: the
     * answer's body when it is a 200; otherwise empty, having said why on {@code err} as
     * {@code statspipe <command>: <status> <reason>} (naming the token for a 401 or 403).
     */
    Optional<JsonNode> call(String command, ApiClient client, Settings settings, boolean post, String pathAndQuery,
                            PrintWriter err) throws IOException, InterruptedException {
        Optional<Bearer> bearer = bearer(settings);
        Optional<String> token = bearer.map(Bearer::token);
        ApiClient.Answer answer = post ? client.post(pathAndQuery, token) : client.get(pathAndQuery, token);
        if (answer.status() == 200) {
            return Optional.of(answer.body());
        }
        err.printf("statspipe %s: %d %s%s%n", command, answer.status(), answer.error(), whichToken(answer.status(), bearer));
        return Optional.empty();
    }
}
