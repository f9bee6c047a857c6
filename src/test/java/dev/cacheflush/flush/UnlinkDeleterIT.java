package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.redis.Backoff;
import dev.cacheflush.redis.ConnectOptions;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.RedisNode;
import dev.cacheflush.redis.RedisTarget;
import dev.cacheflush.support.LongKeys;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import io.lettuce.core.RedisCommandTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnlinkDeleterIT {
  private static final ConnectOptions ONCE =
      new ConnectOptions(
          Duration.ofSeconds(10), Duration.ofSeconds(5), new Backoff(0, Backoff.FIRST_DELAY));

  @Test
  void aBatchShouldFillAcrossPatternsAndStillCountEachPatternsDeletionsExactly() throws Exception {
    try (RedisServer server = RedisServers.standalone()) {
      for (int i = 0; i < 9; i++) {
        server.call("SET", "a:" + i, "v");
      }
      for (int i = 0; i < 4; i++) {
        server.call("SET", "b:" + i, "v");
      }
      try (RedisTarget target = connect(server)) {
        server.call("CONFIG", "RESETSTAT");
        Tally tally = new Tally(2);
        UnlinkDeleter deleter =
            new UnlinkDeleter(
                target.primaries().get(0),
                tally,
                AuditTrail.NONE,
                2,
                10,
                2,
                5_000,
                Throttle.of(0, null));
        for (int i = 0; i < 6; i++) {
          deleter.delete(0, key("a:" + i));
        }
        for (int i = 0; i < 4; i++) {
          deleter.delete(1, key("b:" + i));
        }
        deleter.settle();
        // Ten keys in all made one batch: one UNLINK for each pattern's share, not a wait for ten
        // of one pattern.
        assertThat(server.commandCalls("unlink")).isEqualTo(2);
        assertThat(tally.deleted(0)).isEqualTo(6);
        assertThat(tally.deleted(1)).isEqualTo(4);

        deleter.delete(0, key("a:6"));
        deleter.delete(0, key("a:7"));
        deleter.delete(0, key("a:gone"));
        deleter.finish();
        assertThat(server.commandCalls("unlink")).isEqualTo(3);
        assertThat(tally.deleted(0)).isEqualTo(8);
        assertThat(server.callString("EXISTS", "a:8")).isEqualTo("1");
      }
    }
  }

  @Test
  void aBatchShouldBeSentOnceItsKeysReachBatchBytesHoweverFewTheyAre() throws Exception {
    try (RedisServer server = RedisServers.standalone()) {
      // Keys of 400 KB: three of them pass PipelinedDeleter.BATCH_BYTES (1 MB), far before 250
      // keys.
      LongKeys.create(server, "a:", 400 * 1024, 12);
      try (RedisTarget target = connect(server)) {
        server.call("CONFIG", "RESETSTAT");
        Tally tally = new Tally(1);
        UnlinkDeleter deleter =
            new UnlinkDeleter(
                target.primaries().get(0),
                tally,
                AuditTrail.NONE,
                1,
                250,
                2,
                5_000,
                Throttle.of(0, null));
        for (int i = 0; i < 12; i++) {
          deleter.delete(0, key(LongKeys.name("a:", 400 * 1024, i)));
        }
        deleter.finish();

        assertThat(server.commandCalls("unlink")).isEqualTo(4);
        assertThat(tally.deleted(0)).isEqualTo(12);
        assertThat(server.callString("DBSIZE")).isEqualTo("0");
      }
    }
  }

  @Test
  void aBatchWhoseRepliesDoNotComeShouldBeKeptAfterTheWaitAndSentAgainAfterAReconnect()
      throws Exception {
    try (RedisServer server = RedisServers.standalone()) {
      for (int i = 0; i < 30; i++) {
        server.call("SET", "a:" + i, "v");
      }
      try (RedisTarget target = connect(server)) {
        RedisNode node = target.primaries().get(0);
        Tally tally = new Tally(1);
        // The client sets no timer on these UNLINKs: the deleter's own wait (500 ms) bounds them.
        UnlinkDeleter deleter =
            new UnlinkDeleter(node, tally, AuditTrail.NONE, 1, 10, 2, 500, Throttle.of(0, null));
        server.pause();
        try {
          for (int i = 0; i < 30; i++) {
            deleter.delete(0, key("a:" + i));
          }
          deleter.settle();
          assertThat(deleter.failure()).isInstanceOf(RedisCommandTimeoutException.class);
        } finally {
          server.resume();
        }
        node.reconnect();
        deleter.retryFailed();
        assertThat(deleter.failure()).isNull();
        assertThat(server.callString("DBSIZE")).isEqualTo("0");
      }
    }
  }

  private static RedisTarget connect(RedisServer server) {
    return RedisTarget.connect(
        RedisUrl.parse(server.url()), ONCE, new Deadline(Clock.systemUTC(), Duration.ofMinutes(1)));
  }

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
