package io.statspipe.adapter.ingest;

import io.statspipe.domain.Event;
import io.statspipe.ports.in.RecordEventsUseCase;
import io.statspipe.ports.out.EngineUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StatsD over UDP: one thread receives and parses datagrams, a second offers the parsed events
 * to {@link RecordEventsUseCase} (group-committed: UDP senders get no acknowledgement to wait
 * for). Bad lines are refused with their reason and the sender's address (the dead-letter topic).
 */
public final class StatsdUdpListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatsdUdpListener.class);
    private static final int MAX_DATAGRAM = 65_535;
    /**
     * Most events handed to the spool at once (or what 20 ms brought). One hand-over is one spooled
     * group, cut into batches of one partition each, and every batch carries the table of the
     * series its events name: the more events a batch holds, the fewer table entries per event (at
     * 10,000 series over 4 partitions, 16,384 events carry about half a table entry per event,
     * 4,096 about four in five).
     */
    public static final int CHUNK_EVENTS = 16_384;
    /** Chunks parsed and waiting for the spool (about 260,000 events) before the receiver waits. */
    public static final int QUEUED_CHUNKS = 16;
    private static final long CHUNK_NANOS = 20_000_000;

    private final RecordEventsUseCase events;
    private final DatagramSocket socket;
    private final BlockingQueue<List<Event>> parsed = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
    private final StatsdLineParser parser;
    private final AtomicLong datagrams = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong rejectedLines = new AtomicLong();
    private final AtomicLong ignoredLines = new AtomicLong();
    private final Thread receiver;
    private final Thread spooler;
    private volatile boolean running = true;

    public StatsdUdpListener(InetSocketAddress bind, RecordEventsUseCase events) {
        this(bind, events, GaugeDeltas.DOGSTATSD);
    }

    /** With {@code gaugeDeltas}: what {@code -N|g} means to the clients sending here. */
    public StatsdUdpListener(InetSocketAddress bind, RecordEventsUseCase events, GaugeDeltas gaugeDeltas) {
        this.events = events;
        this.parser = new StatsdLineParser(gaugeDeltas);
        try {
            socket = new DatagramSocket(null);
            socket.setReceiveBufferSize(8 << 20);
            socket.setSoTimeout(10);
            socket.bind(bind);
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot listen for StatsD on udp " + bind, e);
        }
        receiver = new Thread(this::receive, "statsd-udp-" + port());
        spooler = new Thread(this::spool, "statsd-spool-" + port());
        receiver.start();
        spooler.start();
        LOG.info("StatsD listening on udp {}:{}", bind.getHostString(), port());
        if (bind.getAddress() == null || !bind.getAddress().isLoopbackAddress()) {
            // UDP carries no token: whoever reaches this address writes any tenant's series.
            LOG.warn("StatsD listens on udp {}, not on loopback: every host that reaches {} can write any tenant's series",
                    bind.getHostString(), bind.getHostString());
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    public long datagrams() {
        return datagrams.get();
    }

    public long events() {
        return received.get();
    }

    public long rejectedLines() {
        return rejectedLines.get();
    }

    /** DogStatsD events and service checks received and ignored. */
    public long ignoredLines() {
        return ignoredLines.get();
    }

    private void receive() {
        byte[] buffer = new byte[MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        List<Event> pending = new ArrayList<>(CHUNK_EVENTS);
        long chunkStarted = System.nanoTime();
        while (running) {
            try {
                packet.setLength(buffer.length);
                socket.receive(packet);
                datagrams.incrementAndGet();
                String origin = "udp:" + packet.getAddress().getHostAddress() + ":" + packet.getPort();
                int ignored = parser.parse(buffer, 0, packet.getLength(), System.currentTimeMillis(), pending,
                        (data, offset, length, reason) -> {
                            rejectedLines.incrementAndGet();
                            events.refuse(Arrays.copyOfRange(data, offset, offset + length), reason, origin);
                        });
                if (ignored > 0) {
                    ignoredLines.addAndGet(ignored);
                }
            } catch (SocketTimeoutException idle) {
                // no datagram for a moment: hand over what is pending
            } catch (IOException e) {
                if (running) {
                    LOG.warn("StatsD receive failed", e);
                }
            } catch (RuntimeException e) {
                LOG.error("StatsD datagram could not be handled", e);
            }
            if (!pending.isEmpty() && (pending.size() >= CHUNK_EVENTS || System.nanoTime() - chunkStarted > CHUNK_NANOS)) {
                handOver(pending);
                pending = new ArrayList<>(CHUNK_EVENTS);
                chunkStarted = System.nanoTime();
            } else if (pending.isEmpty()) {
                chunkStarted = System.nanoTime();
            }
        }
        if (!pending.isEmpty()) {
            handOver(pending);
        }
    }

    private void handOver(List<Event> chunk) {
        try {
            parsed.put(chunk);
            received.addAndGet(chunk.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void spool() {
        while (running || !parsed.isEmpty()) {
            try {
                List<Event> chunk = parsed.poll(100, TimeUnit.MILLISECONDS);
                if (chunk != null) {
                    events.offer(chunk);
                }
            } catch (EngineUnavailableException full) {
                // the spool is full: counted and logged by the spool
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("StatsD events could not be spooled", e);
            }
        }
    }

    /** Stops receiving and spools what was already received. */
    @Override
    public void close() {
        running = false;
        try {
            receiver.join(5000);
            spooler.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }
}
