package io.statspipe.adapter.storm;

import io.statspipe.ports.out.DeadLetterContent;
import io.statspipe.ports.out.EngineUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends refused input to {@code stats.deadletter}: key {@code p<partition>/<offset>}, value the
 * refused bytes, headers {@code reason}, {@code source-topic}, {@code source-partition},
 * {@code source-offset}, and {@code original-bytes} when the value keeps only the first
 * {@link DeadLetterContent#MAX_BYTES} bytes; a partial the store refused has the key {@code partial <identity>}, its
 * content as value and a {@code partial} header with its identity.
 */
final class KafkaDeadLetters implements DeadLetterSink {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final String sourceTopic;
    private final KafkaProducer<String, byte[]> producer;

    KafkaDeadLetters(String bootstrapServers, String topic, String sourceTopic, Map<String, String> clientProperties) {
        this.topic = topic;
        this.sourceTopic = sourceTopic;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(clientProperties);
        this.producer = new KafkaProducer<>(p);
    }

    @Override
    public void send(List<DeadLetter> letters) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, letter.key(),
                    DeadLetterContent.kept(letter.payload()));
            if (DeadLetterContent.cut(letter.payload())) {
                record.headers().add(DeadLetterContent.ORIGINAL_BYTES_HEADER,
                        Integer.toString(letter.payload().length).getBytes(StandardCharsets.UTF_8));
            }
            record.headers().add("reason", letter.reason().getBytes(StandardCharsets.UTF_8));
            record.headers().add("source-topic", sourceTopic.getBytes(StandardCharsets.UTF_8));
            record.headers().add("source-partition", Integer.toString(letter.partition()).getBytes(StandardCharsets.UTF_8));
            record.headers().add("source-offset", Long.toString(letter.offset()).getBytes(StandardCharsets.UTF_8));
            letter.partial().ifPresent(p -> record.headers().add("partial", p.getBytes(StandardCharsets.UTF_8)));
            sent.add(producer.send(record));
        }
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new EngineUnavailableException("cannot send dead letters to " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("interrupted sending dead letters to " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
