package dev.cacheflush.support;

import java.util.Locale;

/**
 * Keys with long names, made by the server itself (a Lua loop), so that a test of keys of megabytes
 * sends a few bytes per key instead of the whole names. DEBUG POPULATE cannot: it cuts its names at
 * 127 bytes.
 */
public final class LongKeys {
  /**
   * Keys per script, so that no one script holds the server near the admin connection's timeout:
   * a key of 1 MB took 20 to 40 ms on a loaded 2-core machine.
   */
  private static final int PER_SCRIPT = 10;

  /** The x's are made once per script: the name's number has a fixed width. */
  private static final String SCRIPT =
      """
      local pad = string.rep('x', tonumber(ARGV[4]) - #ARGV[1] - 12)
      for i = tonumber(ARGV[2]), tonumber(ARGV[3]) do
        redis.call('SET', ARGV[1] .. string.format('%011d:', i) .. pad, 'v')
      end
      return 1
      """;

  private LongKeys() {}

  /** Sets {@link #name} 0 to {@code count - 1}, each {@code bytes} long. */
  public static void create(RedisServer server, String prefix, int bytes, int count) {
    for (int from = 0; from < count; from += PER_SCRIPT) {
      int to = Math.min(count, from + PER_SCRIPT) - 1;
      server.call(
          "EVAL",
          SCRIPT,
          "0",
          prefix,
          String.valueOf(from),
          String.valueOf(to),
          String.valueOf(bytes));
    }
  }

  /** Key number {@code n}: the prefix, n in 11 digits, a colon, then x's up to {@code bytes}. */
  public static String name(String prefix, int bytes, int n) {
    String head = prefix + String.format(Locale.ROOT, "%011d:", n);
    return head + "x".repeat(bytes - head.length());
  }
}
