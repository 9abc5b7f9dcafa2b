package io.statspipe.app.topology;

import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.domain.SeriesLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The topology in a JVM of its own, for the fault tests to kill: {@code TopologyProcess
 * <bootstrapServers> <kairosUrl> <workDir> <flushSeconds> [<seriesLimitPerTenant> [kill-at=<point>
 * arm-after=<flushes>]]} (series limit 0 or absent: the default limits). Runs until killed, or, with
 * {@code kill-at}, until it halts itself at that {@link KillPoint} once {@code arm-after} flushes
 * were durable (see {@link HaltingPlugs}).
 */
public final class TopologyProcess {
    private TopologyProcess() {
    }

    public static void main(String[] args) throws Exception {
        // The parent holds our stdin: when it goes away (even killed), end this JVM too.
        Thread orphanGuard = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // keep reading until end of stream
                }
            } catch (java.io.IOException e) {
                // parent gone
            }
            Runtime.getRuntime().halt(3);
        }, "orphan-guard");
        orphanGuard.setDaemon(true);
        orphanGuard.start();
        TopologySettings settings = settings(args[0], Duration.ofSeconds(Long.parseLong(args[3])));
        int seriesLimit = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        if (seriesLimit > 0) {
            settings = settings.withSeriesLimits(new SeriesLimits(seriesLimit, Integer.MAX_VALUE));
        }
        TopologyPlugs plugs = KairosTopologyPlugs.of(args[1]);
        if (args.length > 6) {
            KillPoint point = KillPoint.named(args[5].substring("kill-at=".length()));
            int armAfter = Integer.parseInt(args[6].substring("arm-after=".length()));
            plugs = HaltingPlugs.wrap(plugs, point, armAfter);
            System.out.println("will halt at " + point.argName() + " once " + armAfter + " flushes are durable");
        }
        LocalTopologyRunner runner = LocalTopologyRunner.start(settings, plugs, Path.of(args[2]));
        System.out.println("TOPOLOGY-READY");
        while (true) {
            Thread.sleep(5_000);
            var h = runner.health();
            System.out.println("health: lag=" + h.totalLag() + " flushes=" + h.flushes() + " events=" + h.eventsCounted()
                    + " late=" + h.lateEvents() + " recoveries=" + h.recoveries() + " duplicates=" + h.duplicateBatches()
                    + " storeFailures=" + h.storeFailures() + " lastFlushMs=" + h.lastFlushMillis());
        }
    }

    static TopologySettings settings(String bootstrapServers, Duration flushInterval) {
        // Hours are cut every third flush, so kills land inside open coarse ranges and on coarse cuts.
        return TopologySettings.defaults(bootstrapServers).withName("faults").withFlushInterval(flushInterval)
                .withCoarseFlushInterval(flushInterval.multipliedBy(3)).withParallelism(1, 2);
    }
}
