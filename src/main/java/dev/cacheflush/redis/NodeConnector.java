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
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens connections to any server of the deployment with the same TLS checks, credentials and
 * timeouts, so a node found through CLUSTER NODES, a MOVED reply or a Sentinel is reached exactly
 * as the seed was.
 */
final class NodeConnector implements AutoCloseable {
  /**
   * ElastiCache drops a connection 12 hours after it authenticated unless it authenticates again;
   * a long watch re-authenticates each IAM connection with a fresh token well before that.
   */
  static final Duration IAM_REAUTHENTICATE_EVERY = Duration.ofHours(11);

  private static final Logger log = LoggerFactory.getLogger(NodeConnector.class);

  private final RedisUrl url;
  private final ConnectOptions options;
  private final ClientResources resources;
  private final RedisClient client;
  private final ElastiCacheIamToken iam;
  private final ScheduledExecutorService reauthentication;
  private final Set<StatefulRedisConnection<byte[], byte[]>> iamConnections =
      ConcurrentHashMap.newKeySet();
  private final RedisCredentialsProvider password;

  NodeConnector(RedisUrl url, ConnectOptions options) {
    // First, as it may fail (no region) before there is anything to shut down.
    this(
        url,
        options,
        options.iam() == null ? null : ElastiCacheIamToken.fromDefaultChain(options.iam()),
        IAM_REAUTHENTICATE_EVERY);
  }

  /** With the token source and the re-authentication period given: a test's seam. */
  // The re-authentication task logs its own failures, and close() ends its schedule with the
  // executor.
  @SuppressWarnings("FutureReturnValueIgnored")
  NodeConnector(
      RedisUrl url, ConnectOptions options, ElastiCacheIamToken iam, Duration reauthenticateEvery) {
    this.url = url;
    this.options = options;
    this.iam = iam;
    this.password = password(url);
    // A command-line run needs few threads; the defaults size pools for a long-lived server.
    this.resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .nettyCustomizer(
                new NettyCustomizer() {
                  @Override
                  public void afterChannelInitialized(Channel channel) {
                    ReplyInterceptor.install(channel);
                  }
                })
            .build();
    this.client = RedisClient.create(resources);
    ClientOptions.Builder clientOptions =
        ClientOptions.builder()
            // Retrying is the tool's decision, made once: the library must neither queue commands
            // while
            // disconnected nor replay them on a reconnect of its own.
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .protocolVersion(ProtocolVersion.RESP2)
            .timeoutOptions(timeouts(options.commandTimeout()))
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(options.connectTimeout())
                    .keepAlive(true)
                    .build());
    if (url.tls()) {
      clientOptions.sslOptions(sslOptions(options.tls(), options));
    }
    client.setOptions(clientOptions.build());
    this.reauthentication =
        iam == null
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "cacheflush-iam-reauthenticate");
                  t.setDaemon(true);
                  return t;
                });
    if (reauthentication != null) {
      long period = reauthenticateEvery.toNanos();
      reauthentication.scheduleAtFixedRate(
          this::reauthenticateAll, period, period, TimeUnit.NANOSECONDS);
    }
  }

  /** Connects to one server, authenticated and on the URL's database; throws if it cannot. */
  StatefulRedisConnection<byte[], byte[]> connect(HostPort address) {
    return reauthenticating(client.connect(ByteArrayCodec.INSTANCE, uri(address, url.database())));
  }

  /**
   * Connects without blocking, for use from the client's own I/O threads (a redirect to a new node).
   * The URI, and so the IAM token, is made off those threads: signing may read instance metadata.
   */
  CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connectAsync(HostPort address) {
    return CompletableFuture.supplyAsync(() -> uri(address, url.database()))
        .thenCompose(uri -> client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture())
        .thenApply(this::reauthenticating);
  }

  /** Keeps an IAM connection in the set that is re-authenticated with a fresh token while it stays open. */
  private StatefulRedisConnection<byte[], byte[]> reauthenticating(
      StatefulRedisConnection<byte[], byte[]> connection) {
    if (reauthentication != null) {
      iamConnections.add(connection);
    }
    return connection;
  }

  private void reauthenticateAll() {
    iamConnections.removeIf(c -> !c.isOpen());
    iamConnections.forEach(this::reauthenticate);
  }

  private void reauthenticate(StatefulRedisConnection<byte[], byte[]> connection) {
    try {
      connection.sync().auth(iam.user(), iam.token());
    } catch (RuntimeException e) {
      log.warn(
          "Re-authenticating with a fresh IAM token failed: {}; ElastiCache may close the connection",
          e.getMessage());
    }
  }

  /** A Sentinel speaks plain text here and needs no credentials: the URL's are the data nodes'. */
  StatefulRedisSentinelConnection<String, String> connectSentinel(HostPort sentinel) {
    RedisURI uri =
        RedisURI.builder()
            .withHost(sentinel.host())
            .withPort(sentinel.port())
            .withTimeout(options.commandTimeout())
            .withLibraryName("")
            .withLibraryVersion("")
            .build();
    return client.connectSentinel(StringCodec.UTF8, uri);
  }

  private RedisURI uri(HostPort address, int database) {
    RedisURI.Builder builder =
        RedisURI.builder()
            .withHost(address.host())
            .withPort(address.port())
            .withDatabase(database)
            .withSsl(url.tls())
            .withTimeout(options.commandTimeout())
            // Empty, so that Lettuce sends no CLIENT SETINFO: a least-privilege user needs no right
            // for it,
            // and Redis 7.2+ would log a refused command on every connection otherwise.
            .withLibraryName("")
            .withLibraryVersion("");
    if (url.tls()) {
      builder.withVerifyPeer(
          switch (options.tls().verify()) {
            case FULL -> SslVerifyMode.FULL;
            case CA -> SslVerifyMode.CA;
            case NONE -> SslVerifyMode.NONE;
          });
    }
    if (iam != null) {
      // Signed here, as each connect builds its URI, so no connection presents an expired token;
      // and handed over as fixed credentials, for the reason password() gives.
      builder.withAuthentication(
          new StaticCredentialsProvider(RedisCredentials.just(iam.user(), iam.token())));
    } else if (password != null) {
      builder.withAuthentication(password);
    }
    return builder.build();
  }

  /**
   * The password (and ACL user) from the URL. Lettuce resolves a StaticCredentialsProvider at once.
   * Any other provider makes it finish the handshake off the I/O thread and hand out the connection
   * a moment before its channel is registered, so that about one first command in ten is refused
   * ("Currently not connected").
   */
  private static RedisCredentialsProvider password(RedisUrl url) {
    if (url.password().isEmpty()) {
      return null;
    }
    return new StaticCredentialsProvider(
        RedisCredentials.just(url.username().orElse(null), url.password().get()));
  }

  private static SslOptions sslOptions(TlsSettings tls, ConnectOptions options) {
    SslOptions.Builder ssl =
        SslOptions.builder().jdkSslProvider().handshakeTimeout(options.connectTimeout());
    if (tls.ca() != null) {
      ssl.trustManager(tls.ca().toFile());
    }
    if (tls.cert() != null) {
      ssl.keyManager(tls.cert().toFile(), tls.key().toFile(), null);
    }
    return ssl.build();
  }

  @Override
  // The client's own shutdown above waits; the shared event loops then end on their own, and
  // nothing after
  // this needs them gone.
  @SuppressWarnings("FutureReturnValueIgnored")
  public void close() {
    if (reauthentication != null) {
      reauthentication.shutdownNow();
    }
    client.shutdown(0, 2, TimeUnit.SECONDS);
    resources.shutdown(0, 2, TimeUnit.SECONDS);
    if (iam != null) {
      iam.close();
    }
  }

  /**
   * The command timeout on every command but a deleter's UNLINKs ({@link RedisNode#untimed}), whose
   * batch has its own bound: a timer per key would cost the client more than the UNLINK itself.
   */
  private static TimeoutOptions timeouts(Duration commandTimeout) {
    long millis = commandTimeout.toMillis();
    return TimeoutOptions.builder()
        .timeoutCommands()
        .timeoutSource(
            new TimeoutOptions.TimeoutSource() {
              @Override
              public long getTimeout(RedisCommand<?, ?, ?> command) {
                return RedisNode.untimed(command) ? 0 : millis;
              }

              @Override
              public TimeUnit getTimeUnit() {
                return TimeUnit.MILLISECONDS;
              }
            })
        .build();
  }
}
