package io.statspipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.app.StatspipeCommand;
import io.statspipe.app.config.RollupRulesTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code statspipe rules check} shows what a configuration keeps, and start-up ({@code up}) refuses
 * each kind of bad rule with exit code 3 and a message naming the rule and the key, before any
 * engine starts.
 */
class RulesCommandTest {
    private static final String TWO_RULES = "statspipe.topology.flush-interval = 3s\n" + RollupRulesTest.TWO_RULES;

    @TempDir
    Path dir;

    private Path file(String conf) throws IOException {
        Path file = dir.resolve("rules.conf");
        Files.writeString(file, conf);
        return file;
    }

    @Test
    void checkShowsWhichRulesMatchASeriesAndWhatTheyWrite() throws IOException {
        CommandLineRun r = CommandLineRun.of("rules", "check", "--config", file(TWO_RULES).toString(),
                "--series", "page.views,tenant=acme,site=a,user_id=7", "--series", "api.calls,tenant=acme",
                "--series", "page.views.by_site,site=a");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("statspipe.rollup.rules: 2 rules, valid for a flush interval of 3000 ms")
                .contains("page.views{site=a,tenant=acme,user_id=7}\n"
                        + "  rule 'raw' writes page.views{site=a,tenant=acme,user_id=7} at 1m kept 90d, 1h kept 1098d"
                        + " (" + "[count, sum, min, max, avg, last, percentile, unique])\n"
                        + "  rule 'by-site' writes page.views.by_site{site=a,tenant=acme} at 10s kept 1d, 1h kept 730d"
                        + " ([count, sum])\n")
                .contains("api.calls{tenant=acme}\n  rule 'raw' writes api.calls{tenant=acme} at 1m kept 90d")
                .doesNotContain("rule 'by-site' writes api.calls")
                .contains("page.views.by_site{site=a}\n  refused as input: rule 'by-site' writes metrics of this name");
    }

    @Test
    void checkRefusesAMalformedSampleSeries() throws IOException {
        CommandLineRun r = CommandLineRun.of("rules", "check", "--config", file(TWO_RULES).toString(),
                "--series", "page.views,site");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--series 'page.views,site': 'site' is not a tag key=value");
    }

    @Test
    void checkRefusesABadFileAsStartUpWould() throws IOException {
        CommandLineRun r = CommandLineRun.of("rules", "check", "--config",
                file(TWO_RULES.replace("flush-interval = 3s", "flush-interval = 2s")).toString());

        assertThat(r.exit()).isEqualTo(StatspipeCommand.CONFIGURATION_ERROR);
        assertThat(r.err()).contains("statspipe.rollup.rules[1] (rule 'by-site').resolutions",
                "resolution 10s is too fine", "statspipe.topology.flush-interval = 2000 ms");
    }

    @Test
    void startUpRefusesEachKindOfBadRuleNamingTheRuleAndTheKey() throws IOException {
        String[][] cases = {
            {"double counting", """
                    statspipe.rollup.rules = [ { name = "raw", metrics = "*", resolutions = ["1m"] }
                                               { name = "pages", metrics = "page.*", resolutions = ["1h"] } ]
                    """, "statspipe.rollup.rules[1] (rule 'pages').output", "like another rule"},
            {"unknown key", """
                    statspipe.rollup.rules = [ { name = "raw", metrics = "*", resolution = ["1m"] } ]
                    """, "statspipe.rollup.rules[0] (rule 'raw'): unknown key 'resolution'", "a rule has only"},
            {"bad resolution", """
                    statspipe.rollup.rules = [ { name = "raw", metrics = "*", resolutions = ["1m:90d", "7s"] } ]
                    """, "statspipe.rollup.rules[0] (rule 'raw').resolutions[1] = '7s'", "divide a day exactly"},
            {"too fine for the horizon", TWO_RULES.replace("flush-interval = 3s", "flush-interval = 2s"),
                "statspipe.rollup.rules[1] (rule 'by-site').resolutions", "is too fine"},
            {"output name collision", """
                    statspipe.rollup.rules = [
                      { name = "by-site", metrics = "page.*", keep-tags = [site], resolutions = ["1m"], output = "{metric}.by_site" }
                      { name = "sites", metrics = "*", keep-tags = [site], resolutions = ["1h"], output = "{metric}_site" } ]
                    """, "statspipe.rollup.rules[1] (rule 'sites').output", "could write the same metric"},
        };
        for (String[] c : cases) {
            // Checked first without starting anything: 'up' with a valid file would start the engines.
            Path conf = file(c[1]);
            assertThat(CommandLineRun.of("rules", "check", "--config", conf.toString()).exit()).as(c[0])
                    .isEqualTo(StatspipeCommand.CONFIGURATION_ERROR);
            CommandLineRun r = CommandLineRun.of("up", "--data-dir", dir.resolve("data").toString(),
                    "--config", conf.toString());

            assertThat(r.exit()).as(c[0]).isEqualTo(StatspipeCommand.CONFIGURATION_ERROR);
            assertThat(r.err()).as(c[0]).contains("configuration error: " + c[2]).contains(c[3]);
        }
    }
}
