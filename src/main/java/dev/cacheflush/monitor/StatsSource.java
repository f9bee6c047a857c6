package dev.cacheflush.monitor;

/** Takes a snapshot of the cache's counters; the real one asks Redis, tests script one. */
@FunctionalInterface
public interface StatsSource {
  StatsSnapshot snapshot();
}
