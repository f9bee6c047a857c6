package dev.cacheflush.flush;

import dev.cacheflush.report.LatencyReport;
import java.time.Duration;

/** A database probe whose recent answers the test sets. */
final class FakeSignal implements LatencySignal {
  Recent next = new Recent(0, 0, 0, 0);
  int asked;

  static FakeSignal always(long p99Nanos) {
    FakeSignal s = new FakeSignal();
    s.next = new Recent(10, 0, p99Nanos, 0);
    return s;
  }

  void answers(long p99Nanos) {
    next = new Recent(10, 0, p99Nanos, 0);
  }

  @Override
  public Duration interval() {
    return Duration.ofMillis(100);
  }

  @Override
  public Recent recent(long windowNanos) {
    asked++;
    return next;
  }

  @Override
  public LatencyReport between(long fromNanos, long toNanos) {
    return new LatencyReport(0, 0, null, null, null);
  }
}
