package dev.cacheflush.redis;

import dev.cacheflush.config.RedisUrl.HostPort;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
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
   * What became of a group's keys sent one by one: how many were removed, and a failure if any key
   * could not be.
   */
  public record Settled(long removed, Throwable failure) {}

  /**
   * Settles the keys of one slot whose UNLINK failed with {@code failure} on the node at {@code
   * from}, key by key: after a redirect (MOVED, or ASK: every key has left for the slot's new
   * node), each is sent where it leads, the slot recorded in {@code watch} as moving; after
   * TRYAGAIN (the slot is being migrated and only some of its keys have left), each is sent to
   * {@code from} again, alone, and follows the ASK it may get. Any other failure is the group's.
   * The future never fails: what it settles to says.
   */
  public CompletableFuture<Settled> followEach(
      byte[][] keys, Throwable failure, HostPort from, SlotWatch watch) {
    boolean tryAgain = isTryAgain(failure);
    if (!tryAgain && Redirect.of(failure, from) == null) {
      return CompletableFuture.completedFuture(new Settled(0, unwrap(failure)));
    }
    List<CompletableFuture<Settled>> each = new ArrayList<>(keys.length);
    for (byte[] key : keys) {
      CompletableFuture<Long> removed =
          tryAgain
              ? send(from, key, false).exceptionallyCompose(e -> follow(key, e, from, watch, 0))
              : follow(key, failure, from, watch, 0);
      each.add(
          removed.handle((n, e) -> e == null ? new Settled(n, null) : new Settled(0, unwrap(e))));
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              long removed = 0;
              Throwable first = null;
              for (CompletableFuture<Settled> key : each) {
                removed += key.join().removed();
                first = first != null ? first : key.join().failure();
              }
              return new Settled(removed, first);
            });
  }

  private static boolean isTryAgain(Throwable failure) {
    Throwable t = unwrap(failure);
    return t instanceof RedisCommandExecutionException
        && t.getMessage() != null
        && t.getMessage().startsWith("TRYAGAIN");
  }

  private CompletableFuture<Long> follow(
      byte[] key, Throwable failure, HostPort from, SlotWatch watch, int hops) {
    Redirect redirect = Redirect.of(failure, from);
    if (redirect == null || hops >= MAX_HOPS) {
      return CompletableFuture.failedFuture(unwrap(failure));
    }
    watch.redirected(redirect.slot());
    return send(redirect.to(), key, redirect.ask())
        .exceptionallyCompose(e -> follow(key, e, redirect.to(), watch, hops + 1));
  }

  /** One key's UNLINK to {@code address}; a connection that failed is dropped for the next to open anew. */
  private CompletableFuture<Long> send(HostPort address, byte[] key, boolean asking) {
    return connection(address)
        .thenCompose(c -> RedisNode.unlink(c, key, asking))
        .whenComplete(
            (removed, e) -> {
              if (e != null && !(unwrap(e) instanceof RedisCommandExecutionException)) {
                forget(address);
              }
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
