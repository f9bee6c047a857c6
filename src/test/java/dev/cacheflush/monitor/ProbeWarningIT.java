package dev.cacheflush.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.FreePorts;
import dev.cacheflush.support.LogCapture;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import org.junit.jupiter.api.Test;

class ProbeWarningIT {
  /** A watch flushes nothing, so its warning about the probe must not speak of a flush going on. */
  @Test
  void aFailingProbeDuringAWatchShouldWarnWithoutSpeakingOfAFlush() {
    try (RedisServer redis = RedisServers.standalone();
        LogCapture logs = new LogCapture()) {
      CliRun.Result r =
          new CliRun()
              .run(
                  "watch",
                  "--redis-url",
                  redis.url(),
                  "--for",
                  "1s",
                  "--interval",
                  "1s",
                  "--db-url",
                  "jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/shop");

      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(logs.warnings())
          .anySatisfy(w -> assertThat(w).startsWith("Database probe failed at "))
          .noneMatch(w -> w.contains("flush"));
    }
  }
}
