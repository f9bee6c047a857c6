package dev.cacheflush.monitor;

import java.time.Duration;

/** Elapsed time and waiting, behind an interface so that the watch's stop rules are tested without sleeping. */
public interface Ticker {
  Ticker SYSTEM = new Ticker() {
    @Override
    public long nanos() {
      return System.nanoTime();
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
      long millis = duration.toMillis();
      if (millis > 0) {
        Thread.sleep(millis);
      }
    }
  };

  /** A monotonic reading in nanoseconds, as {@link System#nanoTime()}. */
  long nanos();

  void sleep(Duration duration) throws InterruptedException;
}
