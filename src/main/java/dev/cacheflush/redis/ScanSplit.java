package dev.cacheflush.redis;

import java.util.Map;

/**
 * How many cursor chains walk one server's keyspace side by side ({@link KeyScanner}), and why:
 * enough to cover the round trip, as the keyspace and the server allow.
 *
 * <p>The split is used only where its premise was checked in the server's source: a standalone
 * server (in cluster mode Redis 7.4 and later keep the slot number in the cursor's low bits) of an
 * engine whose key table is scanned with the reverse-binary cursor of Redis's {@code dictScan}
 * (Redis 2.8 to 8, Valkey 7.2 to 9: its {@code dict} and, from 8.1, {@code hashtableScan}). Any other
 * server, a later major version or a server that does not say what it is, gets one chain. So does
 * a keyspace below {@link #MIN_KEYS_PER_CHAIN} keys a chain: coverage does not depend on the size
 * (see {@link KeyScanner}), but a table smaller than the number of chains would have every chain
 * walk the same few buckets, a round trip each, for nothing.
 *
 * @param why one line for the log: the reason for the number
 */
public record ScanSplit(int chains, String why) {
  /** Keys a chain should have at least: a table of this many keys has as many buckets or more. */
  public static final long MIN_KEYS_PER_CHAIN = 10_000;

  /** Chains once the split is worth it at all: a few pages on their way even over loopback. */
  static final int MIN_CHAINS = 4;

  /** Chains at most: 32 pages of 500 keys on their way cover a 10 ms round trip. */
  static final int MAX_CHAINS = 32;

  /**
   * What the server spends on one command of the usual size (a SCAN page of 500 keys, an UNLINK of
   * 250, docs/benchmarks.md: 1.1 and 1.7 us a key), rounded down so that the depth errs long.
   */
  static final long SERVER_NANOS_A_COMMAND = 250_000;

  /** Commands that keep the server busy over this round trip: one working, the rest on their way. */
  public static int depthFor(long roundTripNanos) {
    long depth =
        1 + (Math.max(0, roundTripNanos) + SERVER_NANOS_A_COMMAND - 1) / SERVER_NANOS_A_COMMAND;
    return (int) Math.min(depth, 1024);
  }

  /**
   * @param server the server's INFO server section
   * @param cluster whether the target is a cluster
   * @param keys the server's DBSIZE
   */
  public static ScanSplit decide(
      Map<String, String> server, boolean cluster, long keys, long roundTripNanos) {
    if (cluster) {
      return new ScanSplit(1, "cluster mode: the cursor's low bits may carry the slot");
    }
    String engine = provenEngine(server);
    if (engine == null) {
      return new ScanSplit(
          1,
          "server " + describe(server) + " is not one whose SCAN cursor this split was checked on");
    }
    if (keys < 2 * MIN_KEYS_PER_CHAIN) {
      return new ScanSplit(
          1, "keyspace too small to split: " + keys + " keys, under " + 2 * MIN_KEYS_PER_CHAIN);
    }
    int bySize = Integer.highestOneBit((int) Math.min(MAX_CHAINS, keys / MIN_KEYS_PER_CHAIN));
    int byDepth =
        Math.max(MIN_CHAINS, ceilingPowerOfTwo(Math.min(MAX_CHAINS, depthFor(roundTripNanos))));
    int chains = Math.min(bySize, byDepth);
    return new ScanSplit(
        chains,
        engine
            + ", "
            + keys
            + " keys, round trip "
            + roundTripNanos / 1_000
            + " us: "
            + chains
            + " chains");
  }

  /** The engine and version when its scan is the one checked, else null. */
  static String provenEngine(Map<String, String> server) {
    if (!"standalone".equals(server.get("redis_mode"))) {
      return null;
    }
    String valkey = server.get("valkey_version");
    if (valkey != null || "valkey".equals(server.get("server_name"))) {
      int[] v = version(valkey);
      return v != null && v[0] >= 7 && v[0] <= 9 ? "Valkey " + valkey : null;
    }
    for (String field : server.keySet()) {
      // Another engine that speaks Redis's protocol says so in a field of its own (e.g.
      // dragonfly_version); its table and cursor are its own.
      if (field.endsWith("_version")
          && !field.equals("redis_version")
          && !field.equals("gcc_version")) {
        return null;
      }
    }
    String redis = server.get("redis_version");
    int[] v = version(redis);
    if (v == null || v[0] > 8 || v[0] < 2 || (v[0] == 2 && v[1] < 8)) {
      return null;
    }
    return "Redis " + redis;
  }

  private static int[] version(String text) {
    if (text == null) {
      return null;
    }
    String[] parts = text.split("\\.");
    try {
      return new int[] {
        Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String describe(Map<String, String> server) {
    String name = server.getOrDefault("server_name", "redis");
    String version = server.getOrDefault(name + "_version", server.get("redis_version"));
    return name + " " + version + " (" + server.getOrDefault("redis_mode", "mode unknown") + ")";
  }

  private static int ceilingPowerOfTwo(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }
}
