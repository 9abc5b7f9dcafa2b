package io.statspipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.app.StatspipeCommand;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: help everywhere, and configuration errors that stop start-up naming the problem. */
class CommandLineTest {
    @TempDir
    Path dir;

    static CommandLineRun run(String... args) {
        return CommandLineRun.of(args);
    }

    @Test
    void everyCommandHasHelp() {
        List<String> commands = List.of("", "up", "agent", "send", "query", "metrics", "delete", "load", "status", "token", "token create", "submit", "rules", "rules check", "migrate", "migrate status",
                "migrate advance", "migrate rollback", "migrate backfill", "migrate verify", "ring", "ring status", "ring join",
                "ring leave", "ring reload-seeds", "ring firewall");
        for (String command : commands) {
            String[] args = (command + " --help").trim().split(" ");
            CommandLineRun r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).contains("Usage: statspipe").contains("--help");
        }
    }

    @Test
    void eachMigrateStepsHelpExplainsIt() {
        assertThat(run("migrate", "advance", "--help").out()).contains("DUAL_WRITE  -> BACKFILL", "settle time",
                "clean verification", "There is no way back");
        assertThat(run("migrate", "rollback", "--help").out()).contains("before NEW_ONLY", "moves reads");
        assertThat(run("migrate", "backfill", "--help").out()).contains("resumable", "ETA");
        assertThat(run("migrate", "verify", "--help").out()).contains("JSON report", "Exit code 0");
    }

    @Test
    void submitWithoutATopologyJarSaysHowToBuildAndPassIt() {
        CommandLineRun r = run("submit", "--set", "statspipe.event-log.engine=kafka", "--set",
                "statspipe.event-log.bootstrap-servers=127.0.0.1:9", "--set", "statspipe.store.engine=kairosdb", "--set",
                "statspipe.store.url=http://127.0.0.1:9");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("storm.jar = ''", "no topology jar", "-Ptopology-jar", "-Dstorm.jar=");
    }

    @Test
    void anUnknownKeyStopsStartUpNamingIt() {
        CommandLineRun r = run("up", "--data-dir", dir.toString(), "--set", "statspipe.api.prot=9000");
        assertThat(r.exit()).isEqualTo(StatspipeCommand.CONFIGURATION_ERROR);
        assertThat(r.err()).contains("configuration error: unknown configuration key statspipe.api.prot");
    }

    @Test
    void aTlsFileThatCannotServeStopsTheCommandNamingItsKey() throws Exception {
        Path notAKeystore = Files.writeString(dir.resolve("trust.p12"), "not a keystore\n");
        CommandLineRun r = run("query", "page.views", "--set", "statspipe.api.tls.truststore=" + notAKeystore,
                "--set", "statspipe.api.tls.truststore-password=changeit");
        assertThat(r.exit()).isEqualTo(StatspipeCommand.CONFIGURATION_ERROR);
        assertThat(r.err()).contains("configuration error: statspipe.api.tls.truststore = '" + notAKeystore + "'");
    }

    @Test
    void aBadPortStopsStartUpNamingKeyAndValue() {
        CommandLineRun r = run("up", "--data-dir", dir.toString(), "--api-port", "70000");
        assertThat(r.exit()).isEqualTo(StatspipeCommand.CONFIGURATION_ERROR);
        assertThat(r.err()).contains("statspipe.api.port = 70000 is not a port number");
    }

    @Test
    void aTakenPortStopsStartUpNamingTheKey() throws Exception {
        String tmpdir = System.getProperty("java.io.tmpdir");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CommandLineRun r = run("up", "--data-dir", dir.toString(), "--api-port", "" + taken.getLocalPort());
            assertThat(r.exit()).isEqualTo(StatspipeCommand.CONFIGURATION_ERROR);
            assertThat(r.err()).contains("statspipe.api.port = " + taken.getLocalPort(), "already in use");
        }
        // An up that did not start leaves this JVM's temporary folder, and no scratch folder, behind.
        assertThat(System.getProperty("java.io.tmpdir")).isEqualTo(tmpdir);
        assertThat(dir.resolve("tmp").resolve(Long.toString(ProcessHandle.current().pid()))).doesNotExist();
    }

    @Test
    void anUnreachableEngineStopsStartUpNamingTheKey() throws Exception {
        int closed;
        int api;
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = a.getLocalPort();
            api = b.getLocalPort();
        }
        CommandLineRun r = run("up", "--data-dir", dir.toString(), "--api-port", "" + api, "--statsd-port", "" + api,
                "--set", "statspipe.event-log.engine=kafka", "--set", "statspipe.event-log.bootstrap-servers=127.0.0.1:" + closed);
        assertThat(r.exit()).isEqualTo(StatspipeCommand.CONFIGURATION_ERROR);
        assertThat(r.err()).contains("statspipe.event-log.bootstrap-servers = '127.0.0.1:" + closed + "': cannot connect");
        // Nothing is left listening: the API server that answered /health while starting is closed again.
        try (ServerSocket again = new ServerSocket(api, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(api);
        }
    }

    @Test
    void theAgentReadsUpsConfigurationAndStopsOnABadKeyNamingIt() throws Exception {
        Path conf = dir.resolve("agent.conf");
        Files.writeString(conf, "statspipe.event-log.partitions = 0\n");
        CommandLineRun file = run("agent", "--config", conf.toString(), "--data-dir", dir.toString());
        assertThat(file.exit()).isEqualTo(StatspipeCommand.CONFIGURATION_ERROR);
        assertThat(file.err()).contains("statspipe.event-log.partitions = 0 must be at least 1");

        CommandLineRun set = run("agent", "--data-dir", dir.toString(), "--set", "statspipe.statsd.port=udp");
        assertThat(set.exit()).isEqualTo(StatspipeCommand.CONFIGURATION_ERROR);
        assertThat(set.err()).contains("statspipe.statsd.port = 'udp' is not a port number");

        CommandLineRun unknown = run("agent", "--data-dir", dir.toString(), "--set", "statspipe.agent.spool-max-byte=1");
        assertThat(unknown.exit()).isEqualTo(StatspipeCommand.CONFIGURATION_ERROR);
        assertThat(unknown.err()).contains("unknown configuration key statspipe.agent.spool-max-byte");
    }

    @Test
    void theAgentsOptionsStandForTheSameKeysAsUps() {
        CommandLineRun kafka = run("agent", "--data-dir", dir.toString(), "--kafka", "broker-without-port");
        assertThat(kafka.exit()).isEqualTo(StatspipeCommand.CONFIGURATION_ERROR);
        assertThat(kafka.err()).contains("statspipe.event-log.bootstrap-servers = 'broker-without-port'", "is not host:port");

        CommandLineRun spool = run("agent", "--data-dir", dir.toString(), "--spool-max-bytes", "0");
        assertThat(spool.exit()).isEqualTo(StatspipeCommand.CONFIGURATION_ERROR);
        assertThat(spool.err()).contains("statspipe.agent.spool-max-bytes = 0");
    }

    @Test
    void clientCommandsSayWhenStatspipeIsNotRunning() throws Exception {
        int closed;
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = a.getLocalPort();
        }
        CommandLineRun send = run("send", "--url", "http://127.0.0.1:" + closed, "x:1|c|#tenant:a");
        assertThat(send.exit()).isEqualTo(2);
        assertThat(send.err()).contains("cannot connect to statspipe", "0 lines acknowledged");
        CommandLineRun status = run("status", "--url", "http://127.0.0.1:" + closed);
        assertThat(status.exit()).isEqualTo(2);
        assertThat(status.err()).contains("cannot connect");
    }

    @Test
    void migrateStatusAdvanceAndRollbackKeepAGuardedHistory() {
        String data = dir.toString();
        CommandLineRun status = run("migrate", "--set", "statspipe.data-dir=" + data, "status");
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("phase: LEGACY_ONLY", "moves to DUAL_WRITE");

        CommandLineRun advance = run("migrate", "--set", "statspipe.data-dir=" + data, "advance", "--who", "ops", "--why", "start dual-write");
        assertThat(advance.exit()).as(advance.err()).isZero();
        assertThat(advance.out()).contains("advanced to DUAL_WRITE", "dual-write boundary:", "ops: start dual-write");

        CommandLineRun blocked = run("migrate", "--set", "statspipe.data-dir=" + data, "advance", "--why", "too early");
        assertThat(blocked.exit()).isEqualTo(1);
        assertThat(blocked.err()).contains("cannot advance from DUAL_WRITE to BACKFILL", "still settling");

        CommandLineRun back = run("migrate", "--set", "statspipe.data-dir=" + data, "rollback", "--who", "ops", "--why", "not yet");
        assertThat(back.exit()).as(back.err()).isZero();
        assertThat(back.out()).contains("rolled back to LEGACY_ONLY", "DUAL_WRITE -> LEGACY_ONLY  by ops: not yet");

        CommandLineRun noWay = run("migrate", "--set", "statspipe.data-dir=" + data, "rollback", "--why", "again");
        assertThat(noWay.exit()).isEqualTo(1);
        assertThat(noWay.err()).contains("it is the first phase");
    }
}
