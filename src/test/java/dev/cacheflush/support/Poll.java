package dev.cacheflush.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition that returns null when met, or a description of what is still missing. */
final class Poll {
  private Poll() {}

  static void until(Duration timeout, String what, Supplier<String> problem) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last;
    while (true) {
      try {
        last = problem.get();
        if (last == null) {
          return;
        }
      } catch (RuntimeException e) {
        last = e.toString();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "timed out after " + timeout.toMillis() + " ms waiting for " + what + ": " + last);
      }
      RedisServer.sleep(50);
    }
  }
}
