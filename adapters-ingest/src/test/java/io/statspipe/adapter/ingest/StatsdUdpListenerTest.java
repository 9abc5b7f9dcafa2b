package io.statspipe.adapter.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.statspipe.domain.Event;
import io.statspipe.domain.Series;
import io.statspipe.ports.fixtures.InMemoryEventLog;
import io.statspipe.ports.service.RecordEventsService;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** StatsD over UDP into the inbound port, with the ports' in-memory event log behind it. */
class StatsdUdpListenerTest {

    @Test
    void aDatagramsGoodLinesAreOfferedAndItsBadLineRefusedWithTheSendersAddress() throws Exception {
        InMemoryEventLog log = new InMemoryEventLog();
        try (StatsdUdpListener listener = new StatsdUdpListener(new InetSocketAddress("127.0.0.1", 0),
                new RecordEventsService(log));
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] datagram = "a:1|c\nb:2|c\nnot a line\n".getBytes(StandardCharsets.UTF_8);
            sender.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), listener.port()));

            await().atMost(Duration.ofSeconds(10)).until(() -> log.events().size() == 2);
            assertThat(log.events()).extracting(Event::series).containsExactly(Series.of("a"), Series.of("b"));
            assertThat(log.refusals()).singleElement().asString()
                    .startsWith("udp:127.0.0.1:" + sender.getLocalPort() + ": ");
            assertThat(listener.events()).isEqualTo(2);
            assertThat(listener.rejectedLines()).isEqualTo(1);
        }
    }
}
