package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.config.RedisUrl.HostPort;
import org.junit.jupiter.api.Test;

class FlushLockTest {
  @Test
  void freeCommandShouldReachTheLockNodeAsTheRunDidWithoutShowingThePassword() {
    RedisUrl url = RedisUrl.parse("rediss://flusher:s3cret-pw@cache.example.com:6379/2");

    String command = FlushLock.freeCommand(url, new HostPort("10.0.0.7", 6380));

    assertThat(command)
        .isEqualTo(
            "redis-cli -h 10.0.0.7 -p 6380 --tls --user flusher --askpass -n 2 UNLINK "
                + "cacheflush:lock");
    assertThat(command).doesNotContain("s3cret-pw");
  }

  @Test
  void freeCommandShouldQuoteAUserNameForTheShell() {
    RedisUrl url = RedisUrl.parse("redis://it's%20me:pw@127.0.0.1:6379");

    assertThat(FlushLock.freeCommand(url, new HostPort("127.0.0.1", 6379)))
        .isEqualTo(
            "redis-cli -h 127.0.0.1 -p 6379 --user 'it'\\''s me' --askpass UNLINK cacheflush:lock");
  }
}
