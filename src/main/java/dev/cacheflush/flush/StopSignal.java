package dev.cacheflush.flush;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Set when the person asks the run to stop (Ctrl-C, SIGTERM): the run finishes the batch in
 * flight, releases the lock, writes the report, and ends with exit code 130.
 */
public final class StopSignal {
  private final AtomicBoolean requested = new AtomicBoolean();

  public void request() {
    requested.set(true);
  }

  public boolean requested() {
    return requested.get();
  }
}
