package dev.cacheflush.redis;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.config.RedisUrl.HostPort;
import dev.cacheflush.config.Settings;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connected side of a deployment: a connection to every primary, which owns keys, the replicas
 * for statistics, and the policy by which their commands are retried. How the deployment is found,
 * and where a shard's primary is after a failover, is {@link Discovery}'s.
 */
public final class RedisTarget implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisTarget.class);
  private static final int LOCK_SLOT =
      SlotHash.getSlot(Settings.LOCK_KEY.getBytes(StandardCharsets.UTF_8));

  private final RedisUrl url;
  private final NodeConnector connector;
  private final Discovery discovery;
  private final List<RedisNode> primaries = new ArrayList<>();
  private final Map<String, RedisNode> otherPrimaries = new ConcurrentHashMap<>();
  private final ClusterRedirects redirects;
  private volatile Retry retry;
  private List<RedisNode> readNodes;

  private RedisTarget(RedisUrl url, NodeConnector connector, Discovery discovery, Retry retry) {
    this.url = url;
    this.connector = connector;
    this.discovery = discovery;
    this.retry = retry;
    this.redirects = new ClusterRedirects(connector);
  }

  /**
   * Connects, trying again with backoff while the failure may pass; otherwise throws a {@link
   * CacheflushException} that names the target, the attempts and the likely fix. The nodes' commands
   * are retried under the same options until {@code deadline}, or the one {@link #retryWithin} sets.
   */
  public static RedisTarget connect(RedisUrl url, ConnectOptions options, Deadline deadline) {
    return connect(url, options, deadline, false);
  }

  /**
   * The same, and with {@code replicaAllowed} a URL that names a replica (outside cluster mode) is
   * connected to as the one node to read, instead of being refused: for runs that only read.
   */
  public static RedisTarget connect(
      RedisUrl url, ConnectOptions options, Deadline deadline, boolean replicaAllowed) {
    NodeConnector connector = new NodeConnector(url, options);
    Retry retry = new Retry(options.backoff(), deadline);
    for (int attempt = 1; ; attempt++) {
      RedisTarget target = null;
      try {
        target =
            new RedisTarget(url, connector, Discovery.find(url, connector, replicaAllowed), retry);
        for (Supplier<RedisNode.Connected> primary :
            target.discovery.primaries(target::primaries)) {
          target.primaries.add(new RedisNode(primary, target::retry));
        }
        log.debug("{} ({}): {}", url.masked(), target.mode(), target.discovery.describe());
        return target;
      } catch (CacheflushException e) {
        closeQuietly(target, connector);
        throw e;
      } catch (RuntimeException e) {
        closeQuietly(target, null);
        if (!retry.worthAnother(attempt, e)) {
          connector.close();
          if (options.iam() != null && RedisFailures.isAuthFailure(rootCommandFailure(e))) {
            throw new CacheflushException(
                ExitCode.USAGE,
                "Redis at "
                    + url.masked()
                    + " refused the IAM token for user '"
                    + options.iam().user()
                    + "': check that the AWS identity may elasticache:Connect to cache '"
                    + options.iam().cacheName()
                    + "' as that user, and --iam-cache-name, --iam-serverless and --region",
                e);
          }
          if (!RedisFailures.isRetryable(e)) {
            throw RedisFailures.explain(url, e);
          }
          throw RedisFailures.explain(
              "Cannot connect to Redis at "
                  + url.masked()
                  + " after "
                  + attempt
                  + (attempt == 1 ? " attempt" : " attempts"),
              url.masked(),
              e);
        }
        log.warn(
            "Connecting to {} failed (attempt {} of {}): {}; trying again",
            url.masked(),
            attempt,
            retry.attempts(),
            RedisFailures.hint(e));
        try {
          retry.pause(attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          connector.close();
          throw new CacheflushException(
              ExitCode.INTERRUPTED, "Interrupted while connecting to " + url.masked());
        }
      }
    }
  }

  /**
   * From now on, the nodes' commands are retried until {@code deadline}: the flush's own, which
   * starts when the person has confirmed, or the lock's expiry for its release.
   */
  public void retryWithin(Deadline deadline) {
    retry = retry.until(deadline);
  }

  /**
   * From now on, the nodes' commands are retried under {@code backoff} until {@code deadline}: for a
   * target that connected once, without retries, whose commands are retried all the same.
   */
  public void retryWithin(Backoff backoff, Deadline deadline) {
    retry = new Retry(backoff, deadline);
  }

  private Retry retry() {
    return retry;
  }

  /**
   * The cluster as a reachable node sees it now (see {@link Discovery#refresh}), asked again under
   * the retry policy while no node answers.
   */
  public Topology refreshTopology() {
    return retry.run("CLUSTER NODES", () -> discovery.refresh(primaries()), () -> {});
  }

  public RedisUrl url() {
    return url;
  }

  /**
   * Which cache this is (see {@link TargetIdentity}), asked of the servers now: INFO replication of
   * the node read outside cluster mode, the topology's primaries in a cluster. Throws a {@link
   * CacheflushException} (exit 2) for a replica that cannot say which primary it follows.
   */
  public TargetIdentity identity() {
    return TargetIdentity.of(this);
  }

  /** {@code standalone}, {@code cluster} or {@code sentinel}. */
  public String mode() {
    return discovery.mode();
  }

  public boolean cluster() {
    return discovery.cluster();
  }

  /** The deployment as last seen: primaries, replicas, and the slots each primary serves. */
  public Topology topology() {
    return discovery.topology();
  }

  /** The nodes that own keys, one per shard: every key lives on exactly one of them. */
  public List<RedisNode> primaries() {
    return List.copyOf(primaries);
  }

  /**
   * The nodes that serve reads: every primary and every replica, whose INFO counters add up to the
   * hit rate clients see. Replicas are connected on first use; one that cannot be reached is left out
   * with a warning, as statistics without it are better than none.
   */
  public synchronized List<RedisNode> readNodes() {
    if (readNodes == null) {
      List<RedisNode> nodes = new ArrayList<>(primaries);
      for (Topology.Shard shard : topology().shards()) {
        for (Topology.Member replica : shard.replicas()) {
          try {
            nodes.add(fixedNode(replica.nodeId(), replica.address()));
          } catch (RuntimeException e) {
            log.warn(
                "Replica {} cannot be reached ({}); its statistics are left out",
                replica.address(),
                RedisFailures.hint(e));
          }
        }
      }
      readNodes = List.copyOf(nodes);
    }
    return readNodes;
  }

  /** The node that holds the run's lock key: in a cluster, the primary serving its slot. */
  public RedisNode lockNode() {
    Topology.Shard shard = cluster() ? topology().shardServing(LOCK_SLOT) : null;
    if (shard != null) {
      for (RedisNode node : primaries) {
        if (shard.primary().nodeId().equals(node.nodeId())) {
          return node;
        }
      }
    }
    return primaries.get(0);
  }

  /** Follows MOVED and ASK for deletes in a cluster. */
  public ClusterRedirects redirects() {
    return redirects;
  }

  /**
   * The primary with this cluster node id: one of {@link #primaries()} if it is the one serving a
   * shard now, otherwise a connection of its own (a node that took slots over during the run).
   */
  public RedisNode primary(String nodeId, HostPort address) {
    for (RedisNode node : primaries) {
      if (nodeId.equals(node.nodeId())) {
        return node;
      }
    }
    return otherPrimaries.computeIfAbsent(nodeId, id -> fixedNode(id, address));
  }

  private RedisNode fixedNode(String nodeId, HostPort address) {
    return new RedisNode(
        () -> new RedisNode.Connected(address, nodeId, connector.connect(address)), this::retry);
  }

  @Override
  public synchronized void close() {
    List<RedisNode> all = new ArrayList<>(primaries);
    all.addAll(otherPrimaries.values());
    if (readNodes != null) {
      readNodes.stream().filter(n -> !primaries.contains(n)).forEach(all::add);
    }
    for (RedisNode node : all) {
      try {
        node.close();
      } catch (RuntimeException ignored) {
        // Closing a broken connection may fail; the client shutdown below releases everything.
      }
    }
    redirects.close();
    connector.close();
  }

  private static void closeQuietly(RedisTarget target, NodeConnector connector) {
    if (target != null) {
      for (RedisNode node : target.primaries) {
        try {
          node.close();
        } catch (RuntimeException ignored) {
          // half-built: only the connections matter
        }
      }
    }
    if (connector != null) {
      connector.close();
    }
  }

  private static Throwable rootCommandFailure(Throwable e) {
    Throwable found = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      found = t;
      if (t instanceof RedisCommandExecutionException) {
        return t;
      }
    }
    return found;
  }
}
