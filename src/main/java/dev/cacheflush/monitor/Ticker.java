package dev.cacheflush.monitor;

import dev.cacheflush.flush.StopSignal;
import java.time.Duration;

/** Elapsed time and waiting, behind an interface so that the watch's stop rules are tested without sleeping. */
public interface Ticker {
  /** The system's monotonic clock; its waits end early when {@code stop} is requested. */
  static Ticker system(StopSignal stop) {
    return new Ticker() {
      @Override
      public long nanos() {
        return System.nanoTime();
      }

      @Override
      public void sleep(Duration duration) throws InterruptedException {
        stop.await(duration);
      }
    };
  }

  /** A monotonic reading in nanoseconds, as {@link System#nanoTime()}. */
  long nanos();

  /** Waits this long, or less when the run is asked to stop: callers look at the stop signal after it. */
  void sleep(Duration duration) throws InterruptedException;
}
