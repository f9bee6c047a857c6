package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.auth.ElastiCacheIamToken;
import dev.cacheflush.config.IamSettings;
import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.config.TlsSettings;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A connection that authenticates must take its first command at once: with a credentials
 * provider Lettuce resolves asynchronously, about one connection in ten refused it with
 * "Currently not connected", and a flush died on its DBSIZE with an unexpected error. The same
 * holds for IAM tokens, which used to be such a provider.
 */
class FirstCommandIT {
  @Test
  void aConnectionWithAPasswordShouldTakeItsFirstCommandAtOnce() {
    String password = "first-command-" + System.nanoTime();
    try (RedisServer server = RedisServers.standalone("--requirepass", password)) {
      RedisUrl url = RedisUrl.parse("redis://:" + password + "@127.0.0.1:" + server.port());
      ConnectOptions once =
          new ConnectOptions(
              Duration.ofSeconds(10), Duration.ofSeconds(5), new Backoff(0, Backoff.FIRST_DELAY));
      List<String> refused = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        try (RedisTarget target =
            RedisTarget.connect(
                url, once, new Deadline(Clock.systemUTC(), Duration.ofSeconds(30)))) {
          target.primaries().get(0).dbSize();
        } catch (RuntimeException e) {
          refused.add(i + ": " + e.getMessage());
        }
      }

      assertThat(refused).isEmpty();
    }
  }

  @Test
  void aConnectionWithAnIamTokenShouldTakeItsFirstCommandAtOnce() {
    IamSettings iam = new IamSettings("iam-flusher", "my-cache", "eu-west-1", false);
    ElastiCacheIamToken tokens =
        new ElastiCacheIamToken(
            iam,
            "eu-west-1",
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIAFIRSTCOMMAND", "not-a-secret")),
            Clock.systemUTC());
    try (RedisServer server = RedisServers.standalone()) {
      server.call("ACL", "SETUSER", "iam-flusher", "reset", "on", "nopass", "~*", "+@all");
      ConnectOptions once =
          new ConnectOptions(
              Duration.ofSeconds(10),
              Duration.ofSeconds(5),
              new Backoff(0, Backoff.FIRST_DELAY),
              TlsSettings.DEFAULT,
              iam);
      List<String> refused = new ArrayList<>();
      try (NodeConnector connector =
          new NodeConnector(
              RedisUrl.parse(server.url()), once, tokens, NodeConnector.IAM_REAUTHENTICATE_EVERY)) {
        for (int i = 0; i < 200; i++) {
          try (var connection =
              connector.connect(new RedisUrl.HostPort("127.0.0.1", server.port()))) {
            connection.sync().dbsize();
          } catch (RuntimeException e) {
            refused.add(i + ": " + e.getMessage());
          }
        }
      }

      assertThat(refused).isEmpty();
    }
  }
}
