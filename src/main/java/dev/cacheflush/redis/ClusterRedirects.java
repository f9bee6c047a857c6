package dev.cacheflush.redis;

import dev.cacheflush.config.RedisUrl.HostPort;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;

/**
 * Follows MOVED and ASK replies to a key's UNLINK during resharding: the key is sent where the
 * reply says (after ASKING for ASK), over connections opened on demand, without blocking the
 * client's I/O threads, and at most {@link #MAX_HOPS} times.
 */
public final class ClusterRedirects implements AutoCloseable {
  /** As Lettuce's cluster client: more hops than this means the cluster is still settling. */
  static final int MAX_HOPS = 5;

  /** A redirect reply: {@code MOVED <slot> <host>:<port>} or {@code ASK <slot> <host>:<port>}. */
  record Redirect(boolean ask, int slot, HostPort to) {
    /** The redirect a failure carries, or null; an empty host means the host that replied. */
    static Redirect of(Throwable failure, HostPort from) {
      Throwable t = unwrap(failure);
      if (!(t instanceof RedisCommandExecutionException) || t.getMessage() == null) {
        return null;
      }
      String[] parts = t.getMessage().strip().split(" ", -1);
      boolean ask = parts[0].equals("ASK");
      if (parts.length != 3 || !(ask || parts[0].equals("MOVED"))) {
        return null;
      }
      int colon = parts[2].lastIndexOf(':');
      String host = parts[2].substring(0, colon);
      return new Redirect(
          ask,
          Integer.parseInt(parts[1]),
          new HostPort(
              host.isEmpty() ? from.host() : host,
              Integer.parseInt(parts[2].substring(colon + 1))));
    }
  }

  private final NodeConnector connector;
  private final ConcurrentMap<HostPort, CompletableFuture<StatefulRedisConnection<byte[], byte[]>>>
      connections = new ConcurrentHashMap<>();

  ClusterRedirects(NodeConnector connector) {
    this.connector = connector;
  }

  /**
   * The outcome of a key's UNLINK that failed with {@code failure} on the node at {@code from}: if
   * the failure is a redirect, the reply of the node it leads to (recorded in {@code watch}, as the
   * slot is moving); otherwise the failure itself.
   */
  public CompletableFuture<Long> follow(
      byte[] key, Throwable failure, HostPort from, SlotWatch watch) {
    return follow(key, failure, from, watch, 0);
  }

  private CompletableFuture<Long> follow(
      byte[] key, Throwable failure, HostPort from, SlotWatch watch, int hops) {
    Redirect redirect = Redirect.of(failure, from);
    if (redirect == null || hops >= MAX_HOPS) {
      return CompletableFuture.failedFuture(unwrap(failure));
    }
    watch.redirected(redirect.slot());
    return connection(redirect.to())
        .thenCompose(c -> RedisNode.unlink(c, key, redirect.ask()))
        .exceptionallyCompose(
            e -> {
              if (!(unwrap(e) instanceof RedisCommandExecutionException)) {
                forget(redirect.to());
              }
              return follow(key, e, redirect.to(), watch, hops + 1);
            });
  }

  private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection(HostPort address) {
    return connections.computeIfAbsent(address, connector::connectAsync);
  }

  /** A connection that failed is dropped; the next redirect there opens a new one. */
  // Closing a connection that is dropped or done with has no outcome anyone would act on.
  @SuppressWarnings("FutureReturnValueIgnored")
  private void forget(HostPort address) {
    CompletableFuture<StatefulRedisConnection<byte[], byte[]>> old = connections.remove(address);
    if (old != null) {
      old.thenAccept(StatefulRedisConnection::closeAsync);
    }
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // as in forget()
  public void close() {
    connections.values().forEach(f -> f.thenAccept(StatefulRedisConnection::close));
    connections.clear();
  }
}
