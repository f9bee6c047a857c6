package dev.cacheflush.redis;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which cache a run is on, without secrets: what a plan is bound to, and what an audit or a report
 * can name. Two runs are on the same cache when their {@link #key()}s are equal, whichever endpoint
 * they were given: a primary and its replicas share the key (a plan made on the reader endpoint
 * binds the flush to the primary), every other cache has another.
 *
 * <p>The key is the server's, not the URL's: outside cluster mode, the replication id of the
 * primary ({@code master_replid} in INFO replication, which every in-sync replica reports as its
 * own) and the database number; in a cluster, the node ids of the primaries that serve slots. Both
 * are random 160-bit ids a server makes for itself, so a staging and a production cache never
 * share one, even when staging was restored from a production backup. Both stay the same while the
 * cache runs; a failover, a restart of the primary, a resharding or a node replaced changes them
 * (then a plan made before no longer matches and is made again).
 *
 * @param endpoint the URL as given, password masked: for people; not part of the key
 * @param mode standalone, cluster or sentinel
 * @param database the database number the URL selects
 * @param readFrom {@code primary}, or {@code replica} when the endpoint was a replica
 * @param replicationId the primary's replication id; null in a cluster
 * @param primaryNodeIds the cluster's primaries, sorted; empty outside a cluster
 */
public record TargetIdentity(
    String endpoint,
    String mode,
    int database,
    String readFrom,
    String replicationId,
    List<String> primaryNodeIds) {

  public TargetIdentity {
    primaryNodeIds = List.copyOf(primaryNodeIds);
  }

  /** The identity of a connected target, asked of its servers now ({@link RedisTarget#identity()}). */
  static TargetIdentity of(RedisTarget target) {
    if (target.cluster()) {
      List<String> ids =
          target.topology().shards().stream().map(s -> s.primary().nodeId()).sorted().toList();
      return new TargetIdentity(
          target.url().masked(), target.mode(), target.url().database(), "primary", null, ids);
    }
    Map<String, String> replication = target.primaries().get(0).info("replication");
    boolean replica = "slave".equals(replication.get("role"));
    String replid = replication.get("master_replid");
    if (replica && !"up".equals(replication.get("master_link_status"))) {
      throw new CacheflushException(
          ExitCode.USAGE,
          "Redis at "
              + target.url().masked()
              + " is a replica whose link to its primary is "
              + replication.getOrDefault("master_link_status", "unknown")
              + ": its keys may be stale and it cannot say which primary it serves; point --redis-url"
              + " at an in-sync replica or at the primary");
    }
    if (replid == null || replid.isEmpty()) {
      throw new CacheflushException(
          ExitCode.USAGE,
          "Redis at "
              + target.url().masked()
              + " does not report master_replid in INFO replication (Redis before 4.0): a plan "
              + "needs Redis 4.0 or later, or Valkey");
    }
    return new TargetIdentity(
        target.url().masked(),
        target.mode(),
        target.url().database(),
        replica ? "replica" : "primary",
        replid,
        List.of());
  }

  /** What binds a plan to a cache: equal for a primary and its replicas, different for any other. */
  public String key() {
    return (primaryNodeIds.isEmpty()
            ? "replid:" + replicationId
            : "cluster:" + String.join(",", primaryNodeIds))
        + "/db"
        + database;
  }

  public boolean sameCache(TargetIdentity other) {
    return key().equals(other.key());
  }

  /** For messages: the endpoint and the server-side id, shortened. */
  public String describe() {
    String id =
        primaryNodeIds.isEmpty()
            ? "replication id " + shorten(replicationId)
            : "primaries "
                + String.join(", ", primaryNodeIds.stream().map(TargetIdentity::shorten).toList());
    return String.format(Locale.ROOT, "%s (%s, %s, db %d)", endpoint, mode, id, database);
  }

  private static String shorten(String id) {
    return id == null || id.length() <= 12 ? String.valueOf(id) : id.substring(0, 12) + "...";
  }
}
