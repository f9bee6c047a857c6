package dev.cacheflush.monitor;

import java.time.Instant;
import java.util.Map;

/**
 * Every read node's counters at one moment, plus the key count. Only differences between two
 * snapshots mean anything: the counters run since each server started.
 *
 * @param nanos when it was taken, on the {@link Ticker}
 * @param nodes counters by node address
 * @param keys DBSIZE summed over the primaries
 */
public record StatsSnapshot(long nanos, Instant at, Map<String, NodeCounters> nodes, long keys) {
  public StatsSnapshot {
    nodes = Map.copyOf(nodes);
  }
}
