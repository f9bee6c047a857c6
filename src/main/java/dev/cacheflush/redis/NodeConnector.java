package dev.cacheflush.redis;

import dev.cacheflush.auth.ElastiCacheIamToken;
import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.config.RedisUrl.HostPort;
import dev.cacheflush.config.TlsSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Opens connections to any server of the deployment with the same TLS checks, credentials and
 * timeouts, so a node found through CLUSTER NODES, a MOVED reply or a Sentinel is reached exactly
 * as the seed was.
 */
final class NodeConnector implements AutoCloseable {
  private final RedisUrl url;
  private final ConnectOptions options;
  private final ClientResources resources;
  private final RedisClient client;
  private final ElastiCacheIamToken iam;
  private final RedisCredentialsProvider credentials;

  NodeConnector(RedisUrl url, ConnectOptions options) {
    this.url = url;
    this.options = options;
    // First, as it may fail (no region) before there is anything to shut down.
    this.iam = options.iam() == null ? null : ElastiCacheIamToken.fromDefaultChain(options.iam());
    this.credentials = credentials(url, iam);
    // A command-line run needs few threads; the defaults size pools for a long-lived server.
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    this.client = RedisClient.create(resources);
    ClientOptions.Builder clientOptions = ClientOptions.builder()
        // Retrying is the tool's decision, made once: the library must neither queue commands while
        // disconnected nor replay them on a reconnect of its own.
        .autoReconnect(false)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .protocolVersion(ProtocolVersion.RESP2)
        .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
        .socketOptions(SocketOptions.builder().connectTimeout(options.connectTimeout()).keepAlive(true).build());
    if (url.tls()) {
      clientOptions.sslOptions(sslOptions(options.tls(), options));
    }
    client.setOptions(clientOptions.build());
  }

  /** Connects to one server, authenticated and on the URL's database; throws if it cannot. */
  StatefulRedisConnection<byte[], byte[]> connect(HostPort address) {
    return client.connect(ByteArrayCodec.INSTANCE, uri(address, url.database()));
  }

  /** Connects without blocking, for use from the client's own I/O threads (a redirect to a new node). */
  CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connectAsync(HostPort address) {
    return client.connectAsync(ByteArrayCodec.INSTANCE, uri(address, url.database())).toCompletableFuture();
  }

  /** A Sentinel speaks plain text here and needs no credentials: the URL's are the data nodes'. */
  StatefulRedisSentinelConnection<String, String> connectSentinel(HostPort sentinel) {
    RedisURI uri = RedisURI.builder().withHost(sentinel.host()).withPort(sentinel.port())
        .withTimeout(options.commandTimeout()).withLibraryName("").withLibraryVersion("").build();
    return client.connectSentinel(StringCodec.UTF8, uri);
  }

  private RedisURI uri(HostPort address, int database) {
    RedisURI.Builder builder = RedisURI.builder()
        .withHost(address.host())
        .withPort(address.port())
        .withDatabase(database)
        .withSsl(url.tls())
        .withTimeout(options.commandTimeout())
        // Empty, so that Lettuce sends no CLIENT SETINFO: a least-privilege user needs no right for it,
        // and Redis 7.2+ would log a refused command on every connection otherwise.
        .withLibraryName("")
        .withLibraryVersion("");
    if (url.tls()) {
      builder.withVerifyPeer(switch (options.tls().verify()) {
        case FULL -> SslVerifyMode.FULL;
        case CA -> SslVerifyMode.CA;
        case NONE -> SslVerifyMode.NONE;
      });
    }
    if (credentials != null) {
      builder.withAuthentication(credentials);
    }
    return builder.build();
  }

  /**
   * The password (and ACL user) from the URL, or IAM tokens. A token is signed anew each time a
   * connection authenticates, which Lettuce asks for on every connect, so a reconnect after a
   * failover never presents an expired one. Signing may read instance metadata, so it runs off the
   * client's I/O threads.
   */
  private static RedisCredentialsProvider credentials(RedisUrl url, ElastiCacheIamToken iam) {
    if (iam != null) {
      return () -> Mono.fromCallable(() -> RedisCredentials.just(iam.user(), iam.token()))
          .subscribeOn(Schedulers.boundedElastic());
    }
    if (url.password().isEmpty()) {
      return null;
    }
    // Lettuce resolves a StaticCredentialsProvider at once. Any other provider makes it finish the
    // handshake off the I/O thread and hand out the connection a moment before its channel is
    // registered, so that about one first command in ten is refused ("Currently not connected").
    return new StaticCredentialsProvider(RedisCredentials.just(url.username().orElse(null), url.password().get()));
  }

  private static SslOptions sslOptions(TlsSettings tls, ConnectOptions options) {
    SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider().handshakeTimeout(options.connectTimeout());
    if (tls.ca() != null) {
      ssl.trustManager(tls.ca().toFile());
    }
    if (tls.cert() != null) {
      ssl.keyManager(tls.cert().toFile(), tls.key().toFile(), null);
    }
    return ssl.build();
  }

  @Override
  // The client's own shutdown above waits; the shared event loops then end on their own, and nothing after
  // this needs them gone.
  @SuppressWarnings("FutureReturnValueIgnored")
  public void close() {
    client.shutdown(0, 2, TimeUnit.SECONDS);
    resources.shutdown(0, 2, TimeUnit.SECONDS);
    if (iam != null) {
      iam.close();
    }
  }
}
