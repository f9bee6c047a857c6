package dev.cacheflush.redis;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.config.RedisUrl.HostPort;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a deployment is found, and found again after a fault: standalone, cluster or behind Sentinel,
 * its topology, and where each shard's primary is now.
 *
 * <p>The mode is found, not configured: any one node of a cluster, or its configuration endpoint,
 * says {@code cluster_enabled:1} in INFO, and then CLUSTER NODES names every primary. A {@code
 * redis-sentinel://} URL asks the Sentinels. Each shard's primary is reached through a supplier that,
 * on a reconnect, asks the cluster (or the Sentinels) again, so a run that loses a primary continues
 * on the replica promoted in its place.
 */
final class Discovery {
  private static final Logger log = LoggerFactory.getLogger(Discovery.class);

  private final RedisUrl url;
  private final NodeConnector connector;
  private final String mode;

  /** Behind Sentinel only: who to ask where the primary is now. */
  private final Sentinels sentinels;

  private volatile Topology topology;

  private Discovery(
      RedisUrl url, NodeConnector connector, String mode, Sentinels sentinels, Topology topology) {
    this.url = url;
    this.connector = connector;
    this.mode = mode;
    this.sentinels = sentinels;
    this.topology = topology;
  }

  /**
   * Asks the URL's seed (or its Sentinels) once; throws what it met, for the caller to retry or
   * explain.
   *
   * @param replicaAllowed whether a seed that is a replica is scanned itself (for {@code plan},
   *     which only reads) rather than refused
   */
  static Discovery find(RedisUrl url, NodeConnector connector, boolean replicaAllowed) {
    if (url.scheme() == RedisUrl.Scheme.SENTINEL) {
      Sentinels sentinels =
          new Sentinels(url.hosts(), url.sentinelMaster().orElseThrow(), connector);
      return new Discovery(url, connector, "sentinel", sentinels, sentinels.topology());
    }
    return seed(url, connector, replicaAllowed);
  }

  /** Asks the seed node whether it is part of a cluster; a standalone server is its own only primary. */
  private static Discovery seed(RedisUrl url, NodeConnector connector, boolean replicaAllowed) {
    HostPort seed = url.firstHost();
    Map<String, String> cluster;
    String nodes = null;
    Map<String, String> replication;
    StatefulRedisConnection<byte[], byte[]> connection = connector.connect(seed);
    try {
      // A port that accepts connections is not yet a Redis that answers (a TLS port, another
      // service).
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
          throw new RedisConnectionException(
              "the cluster does not know the address of primary "
                  + node.id()
                  + ", which"
                  + " serves "
                  + node.slots().cardinality()
                  + " slots, yet");
        }
      }
      Topology topology = Topology.cluster(view);
      if (topology.shards().isEmpty()) {
        throw new RedisConnectionException(
            "the cluster at " + seed + " has no primary serving slots yet");
      }
      if (!topology.coversAllSlots()) {
        log.warn(
            "Some hash slots of the cluster at {} are served by no primary: no key can be in them now",
            seed);
      }
      return new Discovery(url, connector, "cluster", null, topology);
    }
    if ("slave".equals(replication.get("role")) && !replicaAllowed) {
      throw new CacheflushException(
          ExitCode.USAGE,
          "Redis at "
              + url.masked()
              + " is a read-only replica (of "
              + replication.get("master_host")
              + ":"
              + replication.get("master_port")
              + "): point --redis-url at the "
              + "primary (on ElastiCache, the primary endpoint, not the reader endpoint)");
    }
    return new Discovery(
        url,
        connector,
        "standalone",
        null,
        Topology.single(new Topology.Member(null, seed), replicasOf(replication)));
  }

  /** {@code standalone}, {@code cluster} or {@code sentinel}. */
  String mode() {
    return mode;
  }

  boolean cluster() {
    return "cluster".equals(mode);
  }

  /** The deployment as last seen. */
  Topology topology() {
    return topology;
  }

  /**
   * One connector per shard, to its primary: at first the one found; on every reconnect, the one the
   * cluster (asked over {@code connected} first) or the Sentinels name now.
   */
  List<Supplier<RedisNode.Connected>> primaries(Supplier<List<RedisNode>> connected) {
    if (sentinels != null) {
      return List.of(
          () -> {
            Topology now = sentinels.topology();
            RedisNode.Connected primary = sentinels.connectPrimary(now);
            topology = now;
            return primary;
          });
    }
    if (!cluster()) {
      HostPort seed = url.firstHost();
      return List.of(() -> new RedisNode.Connected(seed, null, connector.connect(seed)));
    }
    List<Supplier<RedisNode.Connected>> shards = new ArrayList<>();
    for (Topology.Shard shard : topology.shards()) {
      shards.add(shardConnector(shard.slots().nextSetBit(0), connected));
    }
    return shards;
  }

  /** Connects to whichever primary serves {@code slot} (the shard's first). */
  private Supplier<RedisNode.Connected> shardConnector(
      int slot, Supplier<List<RedisNode>> connected) {
    boolean[] first = {true};
    return () -> {
      Topology now = first[0] ? topology : refresh(connected.get());
      first[0] = false;
      Topology.Shard shard = now.shardServing(slot);
      if (shard == null) {
        throw new RedisConnectionException(
            "no primary serves slot " + slot + " now (a failover is in progress)");
      }
      HostPort address = shard.primary().address();
      return new RedisNode.Connected(address, shard.primary().nodeId(), connector.connect(address));
    };
  }

  /**
   * The cluster as a reachable node sees it now: asked once on each of the connections already
   * open, then on new ones to every node known, and to the URL's seed; throws the last failure if
   * none answers.
   */
  Topology refresh(List<RedisNode> connected) {
    RuntimeException last = null;
    for (RedisNode node : connected) {
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
        if ("online".equals(parts.get("state"))
            && parts.containsKey("ip")
            && parts.containsKey("port")) {
          replicas.add(
              new Topology.Member(
                  null, new HostPort(parts.get("ip"), Integer.parseInt(parts.get("port")))));
        }
      }
    }
    return replicas;
  }

  /** Each shard's primary and replicas, for the debug log. */
  String describe() {
    StringBuilder sb = new StringBuilder();
    for (Topology.Shard shard : topology.shards()) {
      sb.append(sb.length() == 0 ? "" : "; ")
          .append(shard.primary().address())
          .append(cluster() ? " (" + shard.slots().cardinality() + " slots)" : "")
          .append(" + ")
          .append(shard.replicas().size())
          .append(" replica(s)");
    }
    return sb.toString();
  }
}
