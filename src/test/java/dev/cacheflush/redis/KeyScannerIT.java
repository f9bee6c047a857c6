package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.LongKeys;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class KeyScannerIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static final ConnectOptions ONCE =
      new ConnectOptions(
          Duration.ofSeconds(10), Duration.ofSeconds(5), new Backoff(0, Backoff.FIRST_DELAY));

  @Test
  void scanShouldReturnEveryKeyOnceWhileAskingAheadForNoMoreThanTheBoundedPages() throws Exception {
    try (RedisServer server = populated(20_000)) {
      try (RedisTarget target = connect(server)) {
        RedisNode node = target.primaries().get(0);
        server.call("CONFIG", "RESETSTAT");
        KeyScanner scanner = new KeyScanner(node, 10, Duration.ofSeconds(5));
        Set<String> seen = new HashSet<>();
        seen.addAll(decode(scanner.nextPage()));
        // Nobody takes pages now: the chain must stop once PREFETCH of them wait.
        Thread.sleep(300);
        assertThat(server.commandCalls("scan")).isEqualTo(1 + KeyScanner.PREFETCH);

        assertThat(withTheRest(scanner, seen)).hasSize(20_000);
      }
    }
  }

  @Test
  void aReconnectShouldDropThePagesAskedAheadAndGoOnFromTheLastPageTaken() throws Exception {
    try (RedisServer server = populated(5_000)) {
      try (RedisTarget target = connect(server)) {
        RedisNode node = target.primaries().get(0);
        KeyScanner scanner = new KeyScanner(node, 10, Duration.ofSeconds(5));
        Set<String> seen = new HashSet<>(decode(scanner.nextPage()));
        Thread.sleep(100);
        node.reconnect();
        assertThat(scanner.resumeAfterReconnect()).isTrue();
        assertThat(withTheRest(scanner, seen)).hasSize(5_000);
      }
    }
  }

  @Test
  void aPageShouldHoldAboutPageBytesHoweverLongTheKeysAre() throws Exception {
    try (RedisServer server = RedisServers.standalone()) {
      // 40 keys of 256 KB: one reply to COUNT 500 would be all 10 MB of them.
      LongKeys.create(server, "k", 256 * 1024, 40);
      try (RedisTarget target = connect(server)) {
        KeyScanner scanner = new KeyScanner(target.primaries().get(0), 500, Duration.ofSeconds(5));
        Set<String> seen = new HashSet<>();
        while (!scanner.finished()) {
          java.util.List<byte[]> page = scanner.nextPage();
          // COUNT is a hint: a reply may hold a bucket's keys beyond it, never a whole keyspace.
          assertThat(page.stream().mapToLong(k -> k.length).sum())
              .isLessThanOrEqualTo(2 * KeyScanner.PAGE_BYTES);
          seen.addAll(decode(page));
        }
        assertThat(seen).hasSize(40);
      }
    }
  }

  @Test
  void shortKeysShouldBeScannedAtTheConfiguredCountAfterAFewPages() throws Exception {
    try (RedisServer server = populated(20_000)) {
      try (RedisTarget target = connect(server)) {
        server.call("CONFIG", "RESETSTAT");
        KeyScanner scanner = new KeyScanner(target.primaries().get(0), 500, Duration.ofSeconds(5));
        assertThat(withTheRest(scanner, new HashSet<>())).hasSize(20_000);
        // COUNT doubles from 1 to 500 in ten pages (about 1,000 keys), then 500 a page.
        assertThat(server.commandCalls("scan")).isLessThanOrEqualTo(10 + 20_000 / 500 + 5);
      }
    }
  }

  @Test
  void splitChainsShouldReturnEachKeyOfAKeyspaceAtRestOnce() throws Exception {
    try (RedisServer server = filled(100_000)) {
      settledTableSize(server);
      try (RedisTarget target = connect(server)) {
        // COUNT 500: the call that ends a chain goes on into the next chain's buckets for up to
        // 500 keys, which that chain returns too; each of them must be dropped once.
        KeyScanner scanner = new KeyScanner(target.primaries().get(0), 500, TIMEOUT, 16);
        List<String> all = new ArrayList<>();
        while (!scanner.finished()) {
          for (byte[] key : scanner.nextPage()) {
            all.add(new String(key, StandardCharsets.UTF_8));
          }
        }
        assertThat(new HashSet<>(all)).hasSize(100_000);
        assertThat(all).hasSize(100_000);
      }
    }
  }

  @Test
  void splitChainsShouldSeeEveryKeyPresentThroughoutWhileOtherKeysComeAndGo() throws Exception {
    try (RedisServer server = filled(100_000);
        Keyspace writes = new Keyspace(server.url())) {
      AtomicBoolean scanning = new AtomicBoolean(true);
      AtomicLong written = new AtomicLong();
      Thread writer =
          new Thread(
              () -> {
                var sync = writes.connection().sync();
                for (long i = 0; scanning.get(); i++) {
                  sync.set(Keyspace.bytes("w:" + i), Keyspace.bytes("v"));
                  if (i >= 500) {
                    sync.unlink(Keyspace.bytes("w:" + (i - 500)));
                  }
                  written.incrementAndGet();
                }
              });
      writer.start();
      try {
        while (written.get() < 2_000) {
          Thread.sleep(5);
        }
        try (RedisTarget target = connect(server)) {
          KeyScanner scanner = new KeyScanner(target.primaries().get(0), 50, TIMEOUT, 8);
          long writtenBefore = written.get();
          Set<String> seen = withTheRest(scanner, new HashSet<>());
          assertThat(written.get()).isGreaterThan(writtenBefore);
          assertThat(scanner.chains()).isEqualTo(8);
          assertThat(missing(seen, "k:", 100_000)).isEmpty();
        }
      } finally {
        scanning.set(false);
        writer.join();
      }
    }
  }

  @Test
  void splitChainsShouldSeeEveryKeyPresentThroughoutWhenTheTableGrowsMidScan() throws Exception {
    try (RedisServer server = filled(30_000)) {
      long before = settledTableSize(server);
      try (RedisTarget target = connect(server)) {
        KeyScanner scanner = new KeyScanner(target.primaries().get(0), 100, TIMEOUT, 8);
        Set<String> seen = new HashSet<>();
        while (seen.size() < 10_000) {
          seen.addAll(decode(scanner.nextPage()));
        }
        // Ten times the keys: the table doubles several times while the chains are half-way.
        fill(server, "g", 300_000);
        withTheRest(scanner, seen);
        assertThat(settledTableSize(server)).isGreaterThan(before);
        assertThat(missing(seen, "k:", 30_000)).isEmpty();
      }
    }
  }

  @Test
  void splitChainsShouldSeeEveryKeyPresentThroughoutWhenTheTableShrinksMidScan() throws Exception {
    assertSurvivesShrink(20_000, 8);
  }

  @Test
  void splitChainsShouldSeeEveryKeyPresentThroughoutWhenTheTableShrinksBelowTheChains()
      throws Exception {
    // Three keys left: a table of 4 buckets under 8 chains, whose cursors then name buckets that
    // are not there; each chain's last call still walks every bucket its hashes can be in.
    assertSurvivesShrink(3, 8);
  }

  @Test
  void splitChainsShouldGoOnFromTheirCursorsAfterAReconnect() throws Exception {
    try (RedisServer server = filled(50_000)) {
      try (RedisTarget target = connect(server)) {
        RedisNode node = target.primaries().get(0);
        KeyScanner scanner = new KeyScanner(node, 100, TIMEOUT, 4);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
          seen.addAll(decode(scanner.nextPage()));
        }
        server.call("CONFIG", "RESETSTAT");
        node.reconnect();
        assertThat(scanner.resumeAfterReconnect()).isTrue();
        assertThat(withTheRest(scanner, seen)).hasSize(50_000);
        // Going on, not starting again: the pages left, not a whole walk more.
        assertThat(server.commandCalls("scan"))
            .isLessThan(50_000 / 100 + 4 * (KeyScanner.PREFETCH + 2));
      }
    }
  }

  @Test
  void splitChainsShouldAllStartAgainOnARestartedServer() throws Exception {
    try (RedisServer server = filled(50_000)) {
      try (RedisTarget target = connect(server)) {
        RedisNode node = target.primaries().get(0);
        KeyScanner scanner = new KeyScanner(node, 100, TIMEOUT, 4);
        for (int i = 0; i < 20; i++) {
          scanner.nextPage();
        }
        // A new process hashes with a new seed: the cursors mean nothing there.
        server.restart();
        fill(server, "k", 50_000);
        node.reconnect();
        assertThat(scanner.resumeAfterReconnect()).isFalse();
        assertThat(withTheRest(scanner, new HashSet<>())).hasSize(50_000);
      }
    }
  }

  /**
   * Scans with {@code chains} chains over {@code kept} keys and 260,000 others; the others are
   * deleted once the scan is under way and the scan waits until the table has shrunk.
   */
  private static void assertSurvivesShrink(int kept, int chains) throws Exception {
    try (RedisServer server = filled(kept)) {
      fill(server, "g", 260_000);
      long before = settledTableSize(server);
      try (RedisTarget target = connect(server)) {
        KeyScanner scanner = new KeyScanner(target.primaries().get(0), 100, TIMEOUT, chains);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 30; i++) {
          seen.addAll(decode(scanner.nextPage()));
        }
        drop(server, "g", 260_000);
        // serverCron shrinks a table a tenth full or less within a few of its 100 ms turns.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (settledTableSize(server) >= before && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(settledTableSize(server)).isLessThan(before);
        withTheRest(scanner, seen);
        assertThat(missing(seen, "k:", kept)).isEmpty();
      }
    }
  }

  /**
   * The keyspace table's size once no rehash is under way (DEBUG HTSTATS shows a second table, the
   * rehashing target, while one is), waiting up to 30 s for the server's cron to finish one.
   */
  private static long settledTableSize(RedisServer server) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String stats = keyspaceStats(server);
    while (stats.contains("Hash table 1") && System.nanoTime() < deadline) {
      Thread.sleep(20);
      stats = keyspaceStats(server);
    }
    assertThat(stats).doesNotContain("Hash table 1");
    Matcher m = Pattern.compile("table size: (\\d+)").matcher(stats);
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  /** The keyspace's part of DEBUG HTSTATS, before the expires table's. */
  private static String keyspaceStats(RedisServer server) {
    String stats = server.callString("DEBUG", "HTSTATS", "0");
    int expires = stats.indexOf("[Expires HT]");
    return expires < 0 ? stats : stats.substring(0, expires);
  }

  private static List<String> missing(Set<String> seen, String prefix, int count) {
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (!seen.contains(prefix + i)) {
        missing.add(prefix + i);
      }
    }
    return missing;
  }

  /** A server with keys {@code k:0} .. {@code k:(keys - 1)}. */
  private static RedisServer filled(int keys) {
    RedisServer server = RedisServers.standalone("--enable-debug-command", "local");
    fill(server, "k", keys);
    return server;
  }

  /**
   * Sets {@code prefix:0} .. {@code prefix:(keys - 1)}, 20,000 a script, so that no call outlasts
   * the admin connection's timeout on a busy machine.
   */
  private static void fill(RedisServer server, String prefix, int keys) {
    eachChunk(server, "redis.call('set', KEYS[1] .. ':' .. i, 'v')", prefix, keys);
  }

  private static void drop(RedisServer server, String prefix, int keys) {
    eachChunk(server, "redis.call('unlink', KEYS[1] .. ':' .. i)", prefix, keys);
  }

  private static void eachChunk(RedisServer server, String body, String prefix, int keys) {
    for (int from = 0; from < keys; from += 20_000) {
      int to = Math.min(keys, from + 20_000) - 1;
      server.call(
          "EVAL",
          "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do " + body + " end",
          "1",
          prefix,
          String.valueOf(from),
          String.valueOf(to));
    }
  }

  private static RedisServer populated(int keys) {
    RedisServer server = RedisServers.standalone("--enable-debug-command", "local");
    server.call("DEBUG", "POPULATE", String.valueOf(keys), "k", "10");
    return server;
  }

  /** The keys seen so far and those of every page left. */
  private static Set<String> withTheRest(KeyScanner scanner, Set<String> seen)
      throws InterruptedException {
    while (!scanner.finished()) {
      seen.addAll(decode(scanner.nextPage()));
    }
    return seen;
  }

  private static RedisTarget connect(RedisServer server) {
    return RedisTarget.connect(
        RedisUrl.parse(server.url()), ONCE, new Deadline(Clock.systemUTC(), Duration.ofMinutes(1)));
  }

  private static Set<String> decode(java.util.List<byte[]> keys) {
    Set<String> out = new HashSet<>();
    keys.forEach(k -> out.add(new String(k, StandardCharsets.UTF_8)));
    return out;
  }
}
