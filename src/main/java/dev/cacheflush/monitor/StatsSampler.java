package dev.cacheflush.monitor;

import dev.cacheflush.redis.RedisFailures;
import dev.cacheflush.redis.RedisNode;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code INFO stats} on every node that serves reads (a lookup on a replica is a hit or a miss
 * too) and {@code DBSIZE} on the primaries (a replica's keys are copies).
 */
public final class StatsSampler implements StatsSource {
  private final List<RedisNode> readNodes;
  private final List<RedisNode> primaries;
  private final Ticker ticker;
  private final Clock clock;

  public StatsSampler(
      List<RedisNode> readNodes, List<RedisNode> primaries, Ticker ticker, Clock clock) {
    this.readNodes = List.copyOf(readNodes);
    this.primaries = List.copyOf(primaries);
    this.ticker = ticker;
    this.clock = clock;
  }

  @Override
  public StatsSnapshot snapshot() {
    Map<String, NodeCounters> nodes = new LinkedHashMap<>();
    long keys = 0;
    RedisNode current = null;
    try {
      for (RedisNode node : readNodes) {
        current = node;
        Map<String, String> stats = node.info("stats");
        nodes.put(
            node.address(),
            new NodeCounters(
                counter(stats, "keyspace_hits"),
                counter(stats, "keyspace_misses"),
                counter(stats, "total_commands_processed")));
      }
      for (RedisNode node : primaries) {
        current = node;
        keys += node.dbSize();
      }
    } catch (RuntimeException e) {
      throw RedisFailures.explain(current.address(), e);
    }
    return new StatsSnapshot(ticker.nanos(), clock.instant(), nodes, keys);
  }

  private static long counter(Map<String, String> stats, String name) {
    String value = stats.get(name);
    if (value == null) {
      throw new IllegalStateException(
          "INFO stats has no " + name + " field; is this a Redis server?");
    }
    return Long.parseLong(value);
  }
}
