package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.support.LongKeys;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyScannerIT {
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
        assertThat(scanCalls(server)).isEqualTo(1 + KeyScanner.PREFETCH);

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
        assertThat(scanCalls(server)).isLessThanOrEqualTo(10 + 20_000 / 500 + 5);
      }
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

  private static long scanCalls(RedisServer server) {
    String stat = server.info("commandstats").get("cmdstat_scan");
    return Long.parseLong(stat.replaceAll("^calls=(\\d+),.*$", "$1"));
  }

  private static Set<String> decode(java.util.List<byte[]> keys) {
    Set<String> out = new HashSet<>();
    keys.forEach(k -> out.add(new String(k, StandardCharsets.UTF_8)));
    return out;
  }
}
