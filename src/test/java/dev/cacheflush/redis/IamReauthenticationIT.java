package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cacheflush.auth.ElastiCacheIamToken;
import dev.cacheflush.config.IamSettings;
import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.config.TlsSettings;
import dev.cacheflush.support.FaultProxy;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * ElastiCache closes a connection 12 hours after it authenticated unless it authenticates again:
 * with the period shortened, an IAM connection sends AUTH with a token signed at the later time on
 * the live connection, and goes on serving.
 */
class IamReauthenticationIT {
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  /** A clock the test moves on; the signer reads it on its own threads. */
  private static final class MovableClock extends Clock {
    private volatile Instant now = T0;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void iamConnectionShouldReauthenticateWithAFreshTokenBeforeElastiCacheDropsIt() {
    MovableClock clock = new MovableClock();
    IamSettings settings = new IamSettings("iam-flusher", "my-cache", "eu-west-1", false);
    ElastiCacheIamToken tokens =
        new ElastiCacheIamToken(
            settings,
            "eu-west-1",
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIAREAUTHTEST", "not-a-secret")),
            clock);
    try (RedisServer server = RedisServers.standalone();
        FaultProxy proxy = FaultProxy.to(server).recordClientBytes()) {
      // Redis cannot check a SigV4 token; the proxy shows which one was sent.
      server.call("ACL", "SETUSER", "iam-flusher", "reset", "on", "nopass", "~*", "+@all");
      ConnectOptions options =
          new ConnectOptions(
              Duration.ofSeconds(5),
              Duration.ofSeconds(5),
              new Backoff(0, Backoff.FIRST_DELAY),
              TlsSettings.DEFAULT,
              settings);
      String firstToken = tokens.token();
      try (NodeConnector connector =
          new NodeConnector(RedisUrl.parse(proxy.url()), options, tokens, Duration.ofMillis(300))) {
        StatefulRedisConnection<byte[], byte[]> connection =
            connector.connect(new RedisUrl.HostPort(proxy.host(), proxy.port()));
        assertThat(proxy.sentByClients()).contains(resp("AUTH", "iam-flusher", firstToken));

        clock.now = T0.plus(Duration.ofHours(11));
        String freshToken = tokens.token();
        assertThat(freshToken).isNotEqualTo(firstToken);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> proxy.sentByClients().contains(resp("AUTH", "iam-flusher", freshToken)));

        assertThat(connection.sync().ping()).isEqualTo("PONG");
        assertThat(proxy.connectionCount()).isEqualTo(1);
        assertThat(server.info("commandstats").get("cmdstat_auth")).contains("failed_calls=0");
      }
    }
  }

  private static String resp(String... args) {
    StringBuilder s = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      s.append('$')
          .append(a.getBytes(StandardCharsets.UTF_8).length)
          .append("\r\n")
          .append(a)
          .append("\r\n");
    }
    return s.toString();
  }
}
