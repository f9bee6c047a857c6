package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisException;
import org.junit.jupiter.api.Test;

class RedisFailuresTest {
  @Test
  void runningOutOfHeapShouldNotBeRetriedAndShouldSayHowToGiveMore() {
    RedisException failure =
        new RedisException("decode failed", new OutOfMemoryError("Java heap space"));

    assertThat(RedisFailures.isRetryable(failure)).isFalse();
    assertThat(RedisFailures.hint(failure))
        .contains("ran out of memory (Java heap space)", "CACHEFLUSH_JAVA_OPTS=-Xmx1g");
    assertThat(RedisFailures.isRetryable(new RedisException("Connection reset by peer"))).isTrue();
  }
}
