package dev.cacheflush.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A primary, a replica and one or more Sentinels ({@code redis-server --sentinel}) on loopback,
 * made by {@link RedisServers#sentinel(String, int, String...)}. Sentinels declare a primary down
 * after 1 s, so a killed primary is replaced in a few seconds.
 */
public final class RedisSentinelSetup implements AutoCloseable {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final String masterName;
  private final List<RedisServer> dataNodes;
  private final List<RedisServer> sentinels;

  RedisSentinelSetup(
      String masterName, RedisServer primary, RedisServer replica, List<RedisServer> sentinels) {
    this.masterName = masterName;
    this.dataNodes = List.of(primary, replica);
    this.sentinels = List.copyOf(sentinels);
  }

  public String masterName() {
    return masterName;
  }

  /**
   * Lettuce's Sentinel URI for every Sentinel:
   * {@code redis-sentinel://127.0.0.1:p1[,127.0.0.1:p2...]#masterName}.
   */
  public String sentinelUrl() {
    return "redis-sentinel://"
        + sentinels.stream().map(RedisServer::address).collect(Collectors.joining(","))
        + "#"
        + masterName;
  }

  /** The Sentinel processes. */
  public List<RedisServer> sentinels() {
    return sentinels;
  }

  /** Both data nodes (the initial primary first), running or not. */
  public List<RedisServer> servers() {
    return dataNodes;
  }

  /** The data node a running Sentinel currently names as primary. */
  public RedisServer primary() {
    for (RedisServer sentinel : sentinels) {
      if (!sentinel.isRunning()) {
        continue;
      }
      try {
        List<?> address =
            (List<?>) sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
        String hostPort = address.get(0) + ":" + address.get(1);
        for (RedisServer node : dataNodes) {
          if (node.address().equals(hostPort)) {
            return node;
          }
        }
        throw new IllegalStateException("Sentinel names unknown primary " + hostPort);
      } catch (RuntimeException tryNext) {
        // ask the next Sentinel
      }
    }
    throw new IllegalStateException("no Sentinel answers for " + masterName);
  }

  /** The data node that is not the current primary. */
  public RedisServer replica() {
    RedisServer primary = primary();
    return dataNodes.stream().filter(node -> node != primary).findFirst().orElseThrow();
  }

  /** SIGKILLs a data node or a Sentinel. */
  public void kill(RedisServer server) {
    server.kill();
  }

  /** Asks a Sentinel for a failover ({@code SENTINEL FAILOVER}) and waits until it is done. */
  public RedisServer failover() {
    RedisServer old = primary();
    sentinels.stream()
        .filter(RedisServer::isRunning)
        .findFirst()
        .orElseThrow()
        .call("SENTINEL", "FAILOVER", masterName);
    return awaitFailover(old);
  }

  /**
   * Waits until every running Sentinel names a running primary other than {@code oldPrimary}, the
   * new primary's ROLE says master and (if running) the old primary replicates from it. Returns
   * the new primary.
   */
  public RedisServer awaitFailover(RedisServer oldPrimary) {
    return awaitFailover(oldPrimary, DEFAULT_TIMEOUT);
  }

  public RedisServer awaitFailover(RedisServer oldPrimary, Duration timeout) {
    RedisServer[] promoted = new RedisServer[1];
    Poll.until(
        timeout,
        "failover away from " + oldPrimary,
        () -> {
          RedisServer current = null;
          for (RedisServer sentinel : sentinels) {
            if (!sentinel.isRunning()) {
              continue;
            }
            List<?> address =
                (List<?>) sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
            String hostPort = address.get(0) + ":" + address.get(1);
            if (hostPort.equals(oldPrimary.address())) {
              return sentinel + " still names " + hostPort;
            }
            RedisServer named =
                dataNodes.stream()
                    .filter(n -> n.address().equals(hostPort))
                    .findFirst()
                    .orElse(null);
            if (named == null || (current != null && named != current)) {
              return "Sentinels disagree (" + hostPort + ")";
            }
            current = named;
          }
          if (current == null || !current.isRunning() || !"master".equals(current.role())) {
            return "new primary " + current + " is not a running master yet";
          }
          promoted[0] = current;
          return null;
        });
    return promoted[0];
  }

  /**
   * Waits until every running Sentinel names the primary, sees the replica (not down) and, with
   * several Sentinels, knows all the others.
   */
  public void awaitReady(Duration timeout) {
    Poll.until(
        timeout,
        "Sentinels ready for " + masterName,
        () -> {
          RedisServer primary = null;
          for (RedisServer sentinel : sentinels) {
            if (!sentinel.isRunning()) {
              continue;
            }
            List<?> address =
                (List<?>) sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
            if (address == null) {
              return sentinel + " does not know " + masterName;
            }
            String hostPort = address.get(0) + ":" + address.get(1);
            RedisServer named =
                dataNodes.stream()
                    .filter(n -> n.address().equals(hostPort))
                    .findFirst()
                    .orElse(null);
            if (named == null || !named.isRunning()) {
              return sentinel + " names " + hostPort;
            }
            primary = named;
            Map<String, String> master = fields(sentinel.call("SENTINEL", "MASTER", masterName));
            if (!"master".equals(master.get("flags"))) {
              return sentinel + " flags the primary " + master.get("flags");
            }
            long runningReplicas =
                dataNodes.stream().filter(n -> n != named && n.isRunning()).count();
            List<?> replicas = (List<?>) sentinel.call("SENTINEL", "REPLICAS", masterName);
            long healthy =
                replicas.stream()
                    .map(RedisSentinelSetup::fields)
                    .filter(
                        r ->
                            "slave".equals(r.get("flags"))
                                && "ok".equals(r.get("master-link-status")))
                    .count();
            if (healthy < runningReplicas) {
              return sentinel + " sees " + healthy + " healthy of " + runningReplicas + " replicas";
            }
            long otherSentinels =
                sentinels.stream().filter(s -> s != sentinel && s.isRunning()).count();
            List<?> known = (List<?>) sentinel.call("SENTINEL", "SENTINELS", masterName);
            if (known.size() < otherSentinels) {
              return sentinel
                  + " knows "
                  + known.size()
                  + " of "
                  + otherSentinels
                  + " other Sentinels";
            }
          }
          return primary == null ? "no Sentinel is running" : null;
        });
  }

  /** Kills every process and deletes their folders. */
  @Override
  public void close() {
    List<RedisServer> all = new ArrayList<>(sentinels);
    all.addAll(dataNodes);
    RedisServer.closeAll(all);
  }

  @Override
  public String toString() {
    return "RedisSentinelSetup["
        + masterName
        + ", data "
        + dataNodes
        + ", sentinels "
        + sentinels
        + "]";
  }

  private static Map<String, String> fields(Object reply) {
    List<?> list = (List<?>) reply;
    Map<String, String> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i + 1 < list.size(); i += 2) {
      map.put(String.valueOf(list.get(i)), String.valueOf(list.get(i + 1)));
    }
    return map;
  }
}
