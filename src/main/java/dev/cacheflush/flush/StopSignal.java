package dev.cacheflush.flush;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Set when the person asks the run to stop (Ctrl-C, SIGTERM): the run finishes the batch in
 * flight, releases the lock, writes the report, and ends with exit code 130. Every wait of a run
 * (a hit-rate window, a watch interval, the question at the prompt) ends early on it, so a stop is
 * honoured within moments in any phase, not only while deleting.
 */
public final class StopSignal {
  private final CompletableFuture<Void> requested = new CompletableFuture<>();

  public void request() {
    requested.complete(null);
  }

  public boolean requested() {
    return requested.isDone();
  }

  /** Waits for the time given, or less when a stop is asked for; returns whether it was. */
  public boolean await(Duration duration) throws InterruptedException {
    try {
      requested.get(Math.max(0, duration.toNanos()), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Completes when a stop is asked for, so a wait on something else can end on it too. */
  public CompletableFuture<Void> asFuture() {
    return requested.copy();
  }
}
