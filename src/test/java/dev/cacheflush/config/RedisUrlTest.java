package dev.cacheflush.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisUrlTest {
  @Test
  void plainUrlShouldDefaultPortAndDatabase() {
    RedisUrl url = RedisUrl.parse("redis://cache.internal");
    assertThat(url.firstHost()).isEqualTo(new RedisUrl.HostPort("cache.internal", 6379));
    assertThat(url.database()).isZero();
    assertThat(url.tls()).isFalse();
    assertThat(url.password()).isEmpty();
  }

  @Test
  void credentialsShouldBeReadButNeverPrinted() {
    RedisUrl url = RedisUrl.parse("rediss://flusher:p%40ss:w0rd@cache.example.com:6380/2");
    assertThat(url.username()).contains("flusher");
    assertThat(url.password()).contains("p@ss:w0rd");
    assertThat(url.tls()).isTrue();
    assertThat(url.database()).isEqualTo(2);
    assertThat(url.masked()).isEqualTo("rediss://flusher:****@cache.example.com:6380/2");
    assertThat(url.toString()).doesNotContain("w0rd");
  }

  @Test
  void userInfoWithoutAColonShouldBeTheUserName() {
    RedisUrl url = RedisUrl.parse("rediss://flusher@localhost:6379");
    assertThat(url.username()).contains("flusher");
    assertThat(url.password()).isEmpty();
    assertThat(url.withCredentials(null, "from-env").masked())
        .isEqualTo("rediss://flusher:****@localhost:6379");
  }

  @Test
  void userInfoStartingWithAColonShouldBeAPasswordAlone() {
    RedisUrl url = RedisUrl.parse("redis://:secret@localhost:6379");
    assertThat(url.username()).isEmpty();
    assertThat(url.password()).contains("secret");
    assertThat(url.masked()).isEqualTo("redis://:****@localhost:6379");
  }

  @Test
  void sentinelUrlShouldNeedThePrimaryName() {
    RedisUrl url = RedisUrl.parse("redis-sentinel://s1:26379,s2#mymaster");
    assertThat(url.hosts()).extracting(RedisUrl.HostPort::port).containsExactly(26379, 26379);
    assertThat(url.sentinelMaster()).contains("mymaster");
    assertThatThrownBy(() -> RedisUrl.parse("redis-sentinel://s1:26379"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("primary's name after '#'");
  }

  @Test
  void ipv6HostShouldBeAccepted() {
    assertThat(RedisUrl.parse("redis://[::1]:7000").firstHost())
        .isEqualTo(new RedisUrl.HostPort("::1", 7000));
  }

  @Test
  void errorMessageShouldMaskThePasswordOfAnUnparsableUrl() {
    assertThatThrownBy(() -> RedisUrl.parse("redis://u:topsecret@host:notaport"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'notaport' is not a number")
        .hasMessageNotContaining("topsecret");
  }

  @Test
  void severalHostsShouldOnlyBeAllowedForSentinel() {
    assertThatThrownBy(() -> RedisUrl.parse("redis://a:1,b:2"))
        .hasMessageContaining("only allowed with redis-sentinel");
  }
}
