package dev.cacheflush.redis;

import dev.cacheflush.config.RedisUrl.HostPort;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * The servers of a deployment, as one picture for every mode: the shards that own keys, each a
 * primary and its replicas. A standalone server or a Sentinel-managed primary is one shard that
 * owns every slot; a cluster has one shard per primary that serves slots.
 */
public record Topology(List<Shard> shards) {

  /** A server: its cluster node id (null outside cluster mode) and its address. */
  public record Member(String nodeId, HostPort address) {}

  /** A primary, its replicas, and the hash slots it serves. */
  public record Shard(Member primary, List<Member> replicas, BitSet slots) {}

  public Topology {
    shards = List.copyOf(shards);
  }

  public static Topology single(Member primary, List<Member> replicas) {
    BitSet all = new BitSet(ClusterNodes.SLOTS);
    all.set(0, ClusterNodes.SLOTS);
    return new Topology(List.of(new Shard(primary, List.copyOf(replicas), all)));
  }

  /**
   * The shards in one node's CLUSTER NODES view: every primary that serves slots, with the usable
   * replicas that follow it, in slot order. Replicas known to have failed are left out.
   */
  public static Topology cluster(List<ClusterNode> view) {
    List<Shard> shards = new ArrayList<>();
    for (ClusterNode node : view) {
      if (node.primary() && !node.slots().isEmpty() && node.address() != null) {
        List<Member> replicas =
            view.stream()
                .filter(r -> r.replica() && node.id().equals(r.masterId()) && r.usable())
                .map(r -> new Member(r.id(), r.address()))
                .toList();
        shards.add(new Shard(new Member(node.id(), node.address()), replicas, node.slots()));
      }
    }
    shards.sort(Comparator.comparingInt(s -> s.slots().nextSetBit(0)));
    return new Topology(shards);
  }

  /** The shard serving {@code slot}, or null while no primary serves it. */
  public Shard shardServing(int slot) {
    for (Shard shard : shards) {
      if (shard.slots().get(slot)) {
        return shard;
      }
    }
    return null;
  }

  /** Whether every hash slot is served by some primary. */
  public boolean coversAllSlots() {
    BitSet covered = new BitSet(ClusterNodes.SLOTS);
    shards.forEach(s -> covered.or(s.slots()));
    return covered.cardinality() == ClusterNodes.SLOTS;
  }
}
