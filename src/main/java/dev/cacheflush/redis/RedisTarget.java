package dev.cacheflush.redis;

import dev.cacheflush.config.RedisUrl;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The Redis deployment a run works on: its connections and the nodes that own keys. */
public final class RedisTarget implements AutoCloseable {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

  private final RedisUrl url;
  private final ClientResources resources;
  private final RedisClient client;
  private final List<RedisNode> primaries;

  private RedisTarget(RedisUrl url, ClientResources resources, RedisClient client, List<RedisNode> primaries) {
    this.url = url;
    this.resources = resources;
    this.client = client;
    this.primaries = primaries;
  }

  /** Connects, or throws a {@link dev.cacheflush.CacheflushException} that says why not. */
  public static RedisTarget connect(RedisUrl url) {
    // A command-line run needs few threads; the defaults size pools for a long-lived server.
    ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    RedisClient client = RedisClient.create(resources);
    client.setOptions(ClientOptions.builder()
        // Retrying is the tool's decision, made once: the library must neither queue commands while
        // disconnected nor replay them on a reconnect of its own.
        .autoReconnect(false)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .protocolVersion(ProtocolVersion.RESP2)
        .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
        .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
        .build());
    try {
      StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE, toUri(url));
      RedisNode node = new RedisNode(url.firstHost().toString(), connection);
      return new RedisTarget(url, resources, client, List.of(node));
    } catch (RuntimeException e) {
      shutdown(client, resources);
      throw RedisFailures.explain(url.masked(), e);
    }
  }

  static RedisURI toUri(RedisUrl url) {
    RedisURI.Builder builder = RedisURI.builder()
        .withHost(url.firstHost().host())
        .withPort(url.firstHost().port())
        .withDatabase(url.database())
        .withSsl(url.tls())
        .withTimeout(COMMAND_TIMEOUT);
    url.password().ifPresent(password -> url.username().ifPresentOrElse(
        user -> builder.withAuthentication(user, password),
        () -> builder.withPassword(password.toCharArray())));
    return builder.build();
  }

  public RedisUrl url() {
    return url;
  }

  /** The nodes that own keys: every key lives on exactly one of them. */
  public List<RedisNode> primaries() {
    return primaries;
  }

  /**
   * The nodes that serve reads, primaries and replicas, whose INFO counters add up to the hit rate
   * clients see. A standalone server is its own only read node.
   */
  public List<RedisNode> readNodes() {
    return primaries;
  }

  public String mode() {
    return "standalone";
  }

  @Override
  public void close() {
    shutdown(client, resources);
  }

  private static void shutdown(RedisClient client, ClientResources resources) {
    client.shutdown(0, 2, TimeUnit.SECONDS);
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
