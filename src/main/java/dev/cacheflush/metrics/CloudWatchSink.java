package dev.cacheflush.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * Publishes with PutMetricData, in batches within the API's limits, on a thread of its own so that
 * a slow or unreachable endpoint never holds up the flush or the watch's schedule. A failed request
 * is a warning (the first one in full, then a count at the end), never an error.
 */
public final class CloudWatchSink implements MetricsSink {
  private static final Logger log = LoggerFactory.getLogger(CloudWatchSink.class);
  private static final long CLOSE_WAIT_SECONDS = 40;

  private final CloudWatchClient client;
  private final String namespace;
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "cacheflush-cloudwatch");
            t.setDaemon(true);
            return t;
          });
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();

  public CloudWatchSink(CloudWatchClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  @Override
  public void publish(List<Metric> metrics) {
    for (List<Metric> batch : PutMetricDataBatches.split(metrics)) {
      List<MetricDatum> data = new ArrayList<>(batch.size());
      batch.forEach(m -> data.add(datum(m)));
      sender.execute(() -> send(data));
    }
  }

  private void send(List<MetricDatum> data) {
    requests.incrementAndGet();
    try {
      client.putMetricData(
          PutMetricDataRequest.builder().namespace(namespace).metricData(data).build());
    } catch (SdkException e) {
      if (failures.getAndIncrement() == 0) {
        log.warn(
            "Could not publish {} metrics to CloudWatch (the run goes on): {}",
            data.size(),
            oneLine(e));
      } else {
        log.debug("Could not publish {} metrics to CloudWatch: {}", data.size(), oneLine(e));
      }
    }
  }

  private static MetricDatum datum(Metric m) {
    List<Dimension> dimensions = new ArrayList<>();
    m.dimensions()
        .forEach(
            (name, value) -> dimensions.add(Dimension.builder().name(name).value(value).build()));
    return MetricDatum.builder()
        .metricName(m.name())
        .unit(StandardUnit.fromValue(m.unit().cloudWatchName()))
        .value(m.value())
        .timestamp(m.timestamp())
        .dimensions(dimensions)
        .storageResolution(m.highResolution() ? 1 : 60)
        .build();
  }

  @Override
  public void close() {
    sender.shutdown();
    try {
      if (!sender.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        sender.shutdownNow();
        log.warn(
            "Gave up waiting for CloudWatch after {} s; some metrics were not published",
            CLOSE_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      sender.shutdownNow();
      Thread.currentThread().interrupt();
    }
    int failed = failures.get();
    if (failed > 1) {
      log.warn(
          "{} of {} CloudWatch requests failed; their metrics were not published",
          failed,
          requests.get());
    }
    client.close();
  }

  private static String oneLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
