package dev.cacheflush.cli;

import dev.cacheflush.flush.StopSignal;
import sun.misc.Signal;

/**
 * The one place that uses the JDK's internal signal API: Ctrl-C (SIGINT) and SIGTERM (what ECS,
 * Kubernetes and CI runners send) become a stop request instead of killing the process mid-command.
 * Java has no public API for this; a shutdown hook runs too late to release the lock and write the
 * report, because the JVM is already exiting.
 */
final class OsSignals {
  private OsSignals() {}

  static void forwardTo(StopSignal stop) {
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), signal -> stop.request());
    }
  }
}
