package dev.cacheflush.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.MetricsSettings;
import dev.cacheflush.config.MonitorSettings;
import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.config.WatchSettings;
import dev.cacheflush.flush.FlushObserver;
import dev.cacheflush.flush.StopSignal;
import dev.cacheflush.flush.Tally;
import dev.cacheflush.metrics.Metric;
import dev.cacheflush.metrics.MetricsSink;
import dev.cacheflush.redis.Backoff;
import dev.cacheflush.redis.ConnectOptions;
import dev.cacheflush.report.WatchReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The observer's windows and watch on a scripted cache and a ticker that moves only when it sleeps. */
class CacheObserverTest {
  static final Duration WINDOW = Duration.ofSeconds(10);

  final WatchLoopTest.FakeTicker ticker = new WatchLoopTest.FakeTicker();
  final StopSignal stop = new StopSignal();
  final List<Metric> published = new ArrayList<>();
  final List<WatchReport.Interval> printed = new ArrayList<>();
  boolean sinkClosed;

  final MetricsSink sink =
      new MetricsSink() {
        @Override
        public void publish(List<Metric> metrics) {
          published.addAll(metrics);
        }

        @Override
        public void close() {
          sinkClosed = true;
        }
      };

  CacheObserver observer(WatchSettings watch, StatsSource source) {
    RedisUrl url = RedisUrl.parse("redis://127.0.0.1:1");
    return new CacheObserver(
        url,
        connect(url),
        MonitorSettings.of(WINDOW, watch, null, MetricsSettings.NONE),
        sink,
        printed::add,
        ticker,
        Clock.systemUTC(),
        stop,
        o -> source);
  }

  /** Never used: the scripted sampler stands in for the connection. */
  static ConnectOptions connect(RedisUrl url) {
    return new ConnectOptions(
        Duration.ofSeconds(1), Duration.ofSeconds(1), new Backoff(0, Backoff.FIRST_DELAY));
  }

  static WatchSettings until(double rate) {
    return WatchSettings.of("--watch", Duration.ofSeconds(5), Duration.ofSeconds(1), rate, 2);
  }

  void flush(CacheObserver o) {
    o.connected();
    o.baseline();
    o.flushStarting();
    o.flushEnded(new Tally(1), 100, Instant.EPOCH);
    o.after();
  }

  @Test
  void theWindowsShouldMeasureBeforeAndAfterTheFlush() {
    // The baseline's window, the time of the flush (not measured), the window after.
    WatchLoopTest.Script s =
        new WatchLoopTest.Script(
            ticker, 0, WatchLoopTest.rate(90), WatchLoopTest.rate(10), WatchLoopTest.rate(40));
    CacheObserver o = observer(null, s);

    flush(o);
    FlushObserver.Observation seen = o.observation();
    o.close();

    assertThat(seen.hitRate().before().ratio()).isEqualTo(0.9);
    assertThat(seen.hitRate().after().ratio()).isEqualTo(0.4);
    assertThat(ticker.sleeps).containsExactly(10_000L, 10_000L);
    assertThat(sinkClosed).isTrue();
  }

  @Test
  void aStopDuringTheBaselineShouldLeaveItUnmeasured() {
    WatchLoopTest.Script s = new WatchLoopTest.Script(ticker, 0, WatchLoopTest.rate(90));
    CacheObserver o = observer(null, s);
    o.connected();
    stop.request();

    o.baseline();

    assertThat(o.observation().hitRate().before()).isNull();
    assertThat(s.taken).as("no snapshot after the stop").isEqualTo(1);
  }

  @Test
  void aGatedWatchThatDoesNotRecoverShouldSayWhy() {
    WatchLoopTest.Script s =
        new WatchLoopTest.Script(
            ticker,
            0,
            WatchLoopTest.rate(90),
            WatchLoopTest.rate(10),
            WatchLoopTest.rate(40),
            WatchLoopTest.rate(40),
            WatchLoopTest.rate(40),
            WatchLoopTest.rate(40),
            WatchLoopTest.rate(40),
            WatchLoopTest.rate(40));
    CacheObserver o = observer(until(0.8), s);
    flush(o);

    String verdict = o.watch();

    assertThat(verdict)
        .isEqualTo("the hit rate did not reach 80.0% in 2 consecutive intervals within 5s");
    assertThat(o.observation().watch().outcome()).isEqualTo("not-recovered");
    assertThat(printed).hasSize(5);
  }

  @Test
  void aStopDuringTheWatchShouldEndItInterruptedWithoutAVerdict() {
    WatchLoopTest.Script s =
        new WatchLoopTest.Script(
            ticker,
            0,
            WatchLoopTest.rate(90),
            WatchLoopTest.rate(10),
            WatchLoopTest.rate(40),
            WatchLoopTest.rate(40));
    CacheObserver o = observer(until(0.8), s);
    flush(o);
    stop.request();

    String verdict = o.watch();

    assertThat(verdict).as("a stop is not a failed gate").isNull();
    assertThat(printed).isEmpty();
  }

  @Test
  void aCacheThatCannotBeSampledShouldBeAWarningAndAFailedWatch() {
    RedisUrl url = RedisUrl.parse("redis://127.0.0.1:1");
    CacheObserver o =
        new CacheObserver(
            url,
            connect(url),
            MonitorSettings.of(WINDOW, until(0.8), null, MetricsSettings.NONE),
            sink,
            printed::add,
            ticker,
            Clock.systemUTC(),
            stop,
            observer -> {
              throw new CacheflushException(
                  ExitCode.FAILED, "Cannot connect to Redis at redis://127.0.0.1:1");
            });
    flush(o);

    String verdict = o.watch();

    assertThat(o.observation().hitRate().before()).isNull();
    assertThat(o.observation().watch().outcome()).isEqualTo("failed");
    assertThat(verdict).startsWith("could not watch the hit rate recover: Cannot connect");
  }
}
