package dev.cacheflush.redis;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.config.RedisUrl.HostPort;
import dev.cacheflush.config.Settings;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis deployment a run works on: how it is deployed (standalone, cluster, or behind
 * Sentinel), its topology, and a connection to every primary, which owns keys.
 *
 * <p>The mode is found, not configured: any one node of a cluster, or its configuration endpoint,
 * says {@code cluster_enabled:1} in INFO, and then CLUSTER NODES names every primary. Each primary
 * is a {@link RedisNode} whose reconnect asks the cluster (or the Sentinels) again where its
 * shard's primary is, so a run that loses a primary continues on the replica promoted in its place.
 */
public final class RedisTarget implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisTarget.class);
  private static final int LOCK_SLOT = SlotHash.getSlot(Settings.LOCK_KEY.getBytes(StandardCharsets.UTF_8));

  private final RedisUrl url;
  private final NodeConnector connector;
  private final String mode;
  private volatile Topology topology;
  private final List<RedisNode> primaries = new ArrayList<>();
  private final Map<String, RedisNode> otherPrimaries = new ConcurrentHashMap<>();
  private final ClusterRedirects redirects;
  private List<RedisNode> readNodes;

  private RedisTarget(RedisUrl url, NodeConnector connector, String mode, Topology topology) {
    this.url = url;
    this.connector = connector;
    this.mode = mode;
    this.topology = topology;
    this.redirects = new ClusterRedirects(connector);
  }

  /**
   * Connects, trying again with backoff while the failure may pass; otherwise throws a {@link
   * CacheflushException} that names the target, the attempts and the likely fix.
   */
  public static RedisTarget connect(RedisUrl url, ConnectOptions options, Deadline deadline) {
    NodeConnector connector = new NodeConnector(url, options);
    Backoff backoff = options.backoff();
    for (int attempt = 1; ; attempt++) {
      RedisTarget target = null;
      try {
        target = url.scheme() == RedisUrl.Scheme.SENTINEL ? sentinel(url, connector) : discover(url, connector);
        log.debug("{} ({}): {}", url.masked(), target.mode, target.describe());
        return target;
      } catch (CacheflushException e) {
        closeQuietly(target, connector);
        throw e;
      } catch (RuntimeException e) {
        closeQuietly(target, null);
        int attempts = backoff.retries() + 1;
        boolean last = attempt >= attempts || !RedisFailures.isRetryable(e) || deadline.passed();
        if (last) {
          connector.close();
          if (options.iam() != null && RedisFailures.isAuthFailure(rootCommandFailure(e))) {
            throw new CacheflushException(ExitCode.USAGE, "Redis at " + url.masked() + " refused the IAM token for user '"
                + options.iam().user() + "': check that the AWS identity may elasticache:Connect to cache '"
                + options.iam().cacheName() + "' as that user, and --iam-cache-name, --iam-serverless and --region", e);
          }
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
          connector.close();
          throw new CacheflushException(ExitCode.INTERRUPTED, "Interrupted while connecting to " + url.masked());
        }
      }
    }
  }

  /** Asks the seed node whether it is part of a cluster; a standalone server is its own only primary. */
  private static RedisTarget discover(RedisUrl url, NodeConnector connector) {
    HostPort seed = url.firstHost();
    Map<String, String> cluster;
    String nodes = null;
    Map<String, String> replication;
    StatefulRedisConnection<byte[], byte[]> connection = connector.connect(seed);
    try {
      // A port that accepts connections is not yet a Redis that answers (a TLS port, another service).
      cluster = InfoParser.parse(connection.sync().info("cluster"));
      if ("1".equals(cluster.get("cluster_enabled"))) {
        nodes = connection.sync().clusterNodes();
      }
      replication = InfoParser.parse(connection.sync().info("replication"));
    } finally {
      connection.close();
    }
    if (nodes != null) {
      List<ClusterNode> view = ClusterNodes.parse(nodes);
      for (ClusterNode node : view) {
        if (node.primary() && !node.slots().isEmpty() && node.address() == null) {
          // Its keys could not be reached: a run that went on would miss a whole shard.
          throw new RedisConnectionException("the cluster does not know the address of primary " + node.id() + ", which"
              + " serves " + node.slots().cardinality() + " slots, yet");
        }
      }
      Topology topology = Topology.cluster(view);
      if (topology.shards().isEmpty()) {
        throw new RedisConnectionException("the cluster at " + seed + " has no primary serving slots yet");
      }
      if (!topology.coversAllSlots()) {
        log.warn("Some hash slots of the cluster at {} are served by no primary: no key can be in them now", seed);
      }
      RedisTarget target = new RedisTarget(url, connector, "cluster", topology);
      for (Topology.Shard shard : topology.shards()) {
        target.primaries.add(new RedisNode(target.shardConnector(shard.slots().nextSetBit(0))));
      }
      return target;
    }
    if ("slave".equals(replication.get("role"))) {
      throw new CacheflushException(ExitCode.USAGE, "Redis at " + url.masked() + " is a read-only replica (of "
          + replication.get("master_host") + ":" + replication.get("master_port") + "): point --redis-url at the "
          + "primary (on ElastiCache, the primary endpoint, not the reader endpoint)");
    }
    Topology topology = Topology.single(new Topology.Member(null, seed), replicasOf(replication));
    RedisTarget target = new RedisTarget(url, connector, "standalone", topology);
    target.primaries.add(new RedisNode(() -> new RedisNode.Connected(seed, null, connector.connect(seed))));
    return target;
  }

  private static RedisTarget sentinel(RedisUrl url, NodeConnector connector) {
    Sentinels sentinels = new Sentinels(url.hosts(), url.sentinelMaster().orElseThrow(), connector);
    RedisTarget target = new RedisTarget(url, connector, "sentinel", sentinels.topology());
    target.primaries.add(new RedisNode(() -> {
      Topology now = sentinels.topology();
      RedisNode.Connected primary = sentinels.connectPrimary(now);
      target.topology = now;
      return primary;
    }));
    return target;
  }

  /**
   * Connects to whichever primary serves {@code slot} (the shard's first): at first the one the
   * topology names; on every reconnect, the one the cluster names now.
   */
  private Supplier<RedisNode.Connected> shardConnector(int slot) {
    boolean[] first = {true};
    return () -> {
      Topology now = first[0] ? topology : refreshTopology();
      first[0] = false;
      Topology.Shard shard = now.shardServing(slot);
      if (shard == null) {
        throw new RedisConnectionException("no primary serves slot " + slot + " now (a failover is in progress)");
      }
      HostPort address = shard.primary().address();
      return new RedisNode.Connected(address, shard.primary().nodeId(), connector.connect(address));
    };
  }

  /**
   * The cluster as a reachable node sees it now: asked on the connections already open, then on new
   * ones to every node known, and to the URL's seed.
   */
  public Topology refreshTopology() {
    RuntimeException last = null;
    for (RedisNode node : primaries) {
      try {
        return updated(node.clusterNodes());
      } catch (RuntimeException e) {
        last = e;
      }
    }
    Set<HostPort> candidates = new LinkedHashSet<>();
    for (Topology.Shard shard : topology.shards()) {
      candidates.add(shard.primary().address());
      shard.replicas().forEach(r -> candidates.add(r.address()));
    }
    candidates.add(url.firstHost());
    for (HostPort address : candidates) {
      try (StatefulRedisConnection<byte[], byte[]> c = connector.connect(address)) {
        return updated(ClusterNodes.parse(c.sync().clusterNodes()));
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw last;
  }

  private Topology updated(List<ClusterNode> view) {
    Topology now = Topology.cluster(view);
    topology = now;
    return now;
  }

  private static List<Topology.Member> replicasOf(Map<String, String> replication) {
    List<Topology.Member> replicas = new ArrayList<>();
    for (Map.Entry<String, String> field : replication.entrySet()) {
      // slave0:ip=10.0.0.12,port=6379,state=online,offset=...,lag=0
      if (field.getKey().matches("slave\\d+")) {
        Map<String, String> parts = new HashMap<>();
        for (String part : field.getValue().split(",", -1)) {
          int eq = part.indexOf('=');
          if (eq > 0) {
            parts.put(part.substring(0, eq), part.substring(eq + 1));
          }
        }
        if ("online".equals(parts.get("state")) && parts.containsKey("ip") && parts.containsKey("port")) {
          replicas.add(new Topology.Member(null, new HostPort(parts.get("ip"), Integer.parseInt(parts.get("port")))));
        }
      }
    }
    return replicas;
  }

  public RedisUrl url() {
    return url;
  }

  /** {@code standalone}, {@code cluster} or {@code sentinel}. */
  public String mode() {
    return mode;
  }

  public boolean cluster() {
    return "cluster".equals(mode);
  }

  /** The deployment as last seen: primaries, replicas, and the slots each primary serves. */
  public Topology topology() {
    return topology;
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
      for (Topology.Shard shard : topology.shards()) {
        for (Topology.Member replica : shard.replicas()) {
          try {
            nodes.add(fixedNode(replica.nodeId(), replica.address()));
          } catch (RuntimeException e) {
            log.warn("Replica {} cannot be reached ({}); its statistics are left out", replica.address(),
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
    Topology.Shard shard = cluster() ? topology.shardServing(LOCK_SLOT) : null;
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
    return new RedisNode(() -> new RedisNode.Connected(address, nodeId, connector.connect(address)));
  }

  private String describe() {
    StringBuilder sb = new StringBuilder();
    for (Topology.Shard shard : topology.shards()) {
      sb.append(sb.length() == 0 ? "" : "; ").append(shard.primary().address())
          .append(cluster() ? " (" + shard.slots().cardinality() + " slots)" : "")
          .append(" + ").append(shard.replicas().size()).append(" replica(s)");
    }
    return sb.toString();
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
