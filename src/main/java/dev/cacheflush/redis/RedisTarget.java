package dev.cacheflush.redis;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.RedisUrl;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Redis deployment a run works on: its connections and the nodes that own keys. */
public final class RedisTarget implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisTarget.class);

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

  /**
   * Connects, trying again with backoff while the failure may pass; otherwise throws a {@link
   * CacheflushException} that names the target, the attempts and the likely fix.
   */
  public static RedisTarget connect(RedisUrl url, ConnectOptions options, Deadline deadline) {
    // A command-line run needs few threads; the defaults size pools for a long-lived server.
    ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    RedisClient client = RedisClient.create(resources);
    client.setOptions(ClientOptions.builder()
        // Retrying is the tool's decision, made once: the library must neither queue commands while
        // disconnected nor replay them on a reconnect of its own.
        .autoReconnect(false)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .protocolVersion(ProtocolVersion.RESP2)
        .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
        .socketOptions(SocketOptions.builder().connectTimeout(options.connectTimeout()).keepAlive(true).build())
        .build());
    RedisURI uri = toUri(url, options);
    Backoff backoff = options.backoff();
    for (int attempt = 1; ; attempt++) {
      try {
        RedisNode node = new RedisNode(url.firstHost().toString(), () -> client.connect(ByteArrayCodec.INSTANCE, uri));
        // A port that accepts connections is not yet a Redis that answers (a TLS port, another service).
        node.runId();
        return new RedisTarget(url, resources, client, List.of(node));
      } catch (RuntimeException e) {
        int attempts = backoff.retries() + 1;
        boolean last = attempt >= attempts || !RedisFailures.isRetryable(e) || deadline.passed();
        if (last) {
          shutdown(client, resources);
          if (!RedisFailures.isRetryable(e)) {
            throw RedisFailures.explain(url.masked(), e);
          }
          throw RedisFailures.explain("Cannot connect to Redis at " + url.masked() + " after " + attempt
              + (attempt == 1 ? " attempt" : " attempts"), url.masked(), e);
        }
        log.warn("Connecting to {} failed (attempt {} of {}): {}; trying again", url.masked(), attempt, attempts,
            RedisFailures.hint(e));
        try {
          backoff.pause(attempt, deadline);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          shutdown(client, resources);
          throw new CacheflushException(ExitCode.INTERRUPTED, "Interrupted while connecting to " + url.masked());
        }
      }
    }
  }

  static RedisURI toUri(RedisUrl url, ConnectOptions options) {
    RedisURI.Builder builder = RedisURI.builder()
        .withHost(url.firstHost().host())
        .withPort(url.firstHost().port())
        .withDatabase(url.database())
        .withSsl(url.tls())
        .withTimeout(options.commandTimeout());
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

  /** The node that holds the run's lock key. */
  public RedisNode lockNode() {
    return primaries.get(0);
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
    for (RedisNode node : primaries) {
      try {
        node.close();
      } catch (RuntimeException ignored) {
        // Closing a broken connection may fail; the client shutdown below releases everything.
      }
    }
    shutdown(client, resources);
  }

  private static void shutdown(RedisClient client, ClientResources resources) {
    client.shutdown(0, 2, TimeUnit.SECONDS);
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
