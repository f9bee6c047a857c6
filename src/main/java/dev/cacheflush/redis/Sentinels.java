package dev.cacheflush.redis;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.RedisUrl.HostPort;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Asks the Sentinels of a {@code redis-sentinel://} URL, in the order given, which server is the
 * primary now and which are its replicas. Asked again on every reconnect, so a run that loses its
 * primary to a failover continues on the promoted one.
 */
final class Sentinels {
  private final List<HostPort> sentinels;
  private final String master;
  private final NodeConnector connector;

  Sentinels(List<HostPort> sentinels, String master, NodeConnector connector) {
    this.sentinels = List.copyOf(sentinels);
    this.master = master;
    this.connector = connector;
  }

  /** The primary and its replicas that Sentinel does not consider down. */
  Topology topology() {
    RuntimeException last = null;
    for (HostPort sentinel : sentinels) {
      try (StatefulRedisSentinelConnection<String, String> c =
          connector.connectSentinel(sentinel)) {
        SocketAddress primary = c.sync().getMasterAddrByName(master);
        if (primary == null) {
          throw new CacheflushException(
              ExitCode.USAGE,
              "The Sentinel at "
                  + sentinel
                  + " monitors no primary named '"
                  + master
                  + "': check the name after '#' in the redis-sentinel:// URL");
        }
        List<Topology.Member> replicas = new ArrayList<>();
        for (Map<String, String> replica : c.sync().replicas(master)) {
          String flags = replica.getOrDefault("flags", "");
          if (!flags.contains("s_down")
              && !flags.contains("o_down")
              && !flags.contains("disconnected")) {
            replicas.add(
                new Topology.Member(
                    null, new HostPort(replica.get("ip"), Integer.parseInt(replica.get("port")))));
          }
        }
        return Topology.single(new Topology.Member(null, hostPort(primary)), replicas);
      } catch (CacheflushException e) {
        throw e;
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw new RedisConnectionException(
        "no Sentinel of " + sentinels + " answered (" + RedisFailures.hint(last) + ")", last);
  }

  /**
   * A connection to the primary Sentinel named in {@code named}. Right after a failover a Sentinel may still name
   * the old primary, now a replica; that counts as a failure to try again, not as a primary.
   */
  RedisNode.Connected connectPrimary(Topology named) {
    HostPort primary = named.shards().get(0).primary().address();
    var connection = connector.connect(primary);
    try {
      String role = InfoParser.parse(connection.sync().info("replication")).get("role");
      if (!"master".equals(role)) {
        throw new RedisConnectionException(
            "Sentinel names "
                + primary
                + " as the primary of '"
                + master
                + "' but it is a "
                + role
                + " (a failover is in progress)");
      }
    } catch (RuntimeException e) {
      connection.close();
      throw e;
    }
    return new RedisNode.Connected(primary, null, connection);
  }

  private static HostPort hostPort(SocketAddress address) {
    InetSocketAddress inet = (InetSocketAddress) address;
    return new HostPort(inet.getHostString(), inet.getPort());
  }
}
