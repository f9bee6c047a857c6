package dev.cacheflush.redis;

import dev.cacheflush.config.RedisUrl.HostPort;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Notices the hash slots that move between shards while a cluster is scanned (resharding), so
 * that they can be scanned again where they went.
 *
 * <p>Why it is needed: SCAN promises only the keys present on a node for the whole scan. A key of
 * a slot migrated from A to B after A's scan passed it was seen on A (and deleted, following
 * ASK); but a key migrated before A's scan reached it, to B after B's scan passed its place, is
 * returned by neither. Scanning B again for the moved slots once the move is over returns it.
 *
 * <p>A slot counts as moved when, in any node's CLUSTER NODES view, another shard serves it than
 * at the start (a failover keeps it in its shard: the promoted replica belongs to it), when a node
 * shows it migrating or importing, or when a MOVED or ASK reply names it. Workers report their
 * node's view every few hundred milliseconds, so a slot that moves away and back between two
 * looks is the one case that goes unnoticed; the verification pass after a flush would show its keys.
 */
public final class SlotWatch {
  /** Slots to scan again on one node. */
  public record Rescan(String nodeId, HostPort address, BitSet slots) {}

  /** Node id to the shard it belongs to, named by the id of the shard's primary at the start. */
  private final Map<String, String> shardOf = new HashMap<>();

  private final Map<String, HostPort> addresses = new HashMap<>();
  private final String[] baseline = new String[ClusterNodes.SLOTS];
  private final String[] owner = new String[ClusterNodes.SLOTS];
  private final BitSet moved = new BitSet(ClusterNodes.SLOTS);
  private final Map<Integer, String> importingInto = new HashMap<>();

  public SlotWatch(Topology start) {
    for (Topology.Shard shard : start.shards()) {
      String id = shard.primary().nodeId();
      shardOf.put(id, id);
      addresses.put(id, shard.primary().address());
      shard.replicas().forEach(r -> shardOf.put(r.nodeId(), id));
      for (int slot = shard.slots().nextSetBit(0);
          slot >= 0;
          slot = shard.slots().nextSetBit(slot + 1)) {
        baseline[slot] = id;
        owner[slot] = id;
      }
    }
  }

  public synchronized void observe(List<ClusterNode> view) {
    for (ClusterNode node : view) {
      if (node.address() != null) {
        addresses.put(node.id(), node.address());
      }
      if (node.replica() && node.masterId() != null) {
        shardOf.putIfAbsent(node.id(), shard(node.masterId()));
      }
    }
    for (ClusterNode node : view) {
      if (!node.primary()) {
        continue;
      }
      BitSet slots = node.slots();
      // Once per node, not per slot: each worker looks every 250 ms, at all 16,384 slots.
      String shard = shard(node.id());
      for (int slot = slots.nextSetBit(0); slot >= 0; slot = slots.nextSetBit(slot + 1)) {
        owner[slot] = node.id();
        if (!shard.equals(baseline[slot])) {
          moved.set(slot);
        }
      }
      node.migrating()
          .forEach(
              (slot, to) -> {
                moved.set(slot);
                importingInto.put(slot, to);
              });
      node.importing()
          .forEach(
              (slot, from) -> {
                moved.set(slot);
                importingInto.put(slot, node.id());
              });
    }
  }

  /** A MOVED or ASK reply named this slot: keys of it are (being) moved. */
  public synchronized void redirected(int slot) {
    moved.set(slot);
  }

  /**
   * The slots that moved since the last call, grouped by the node(s) holding their keys now (for a
   * slot still migrating, both sides); the picture seen now becomes the new starting point.
   */
  public synchronized List<Rescan> take() {
    Map<String, BitSet> byNode = new LinkedHashMap<>();
    for (int slot = moved.nextSetBit(0); slot >= 0; slot = moved.nextSetBit(slot + 1)) {
      if (owner[slot] != null) {
        byNode.computeIfAbsent(owner[slot], id -> new BitSet(ClusterNodes.SLOTS)).set(slot);
      }
      String target = importingInto.get(slot);
      if (target != null) {
        byNode.computeIfAbsent(target, id -> new BitSet(ClusterNodes.SLOTS)).set(slot);
      }
    }
    for (int slot = 0; slot < ClusterNodes.SLOTS; slot++) {
      baseline[slot] = owner[slot] == null ? null : shard(owner[slot]);
    }
    moved.clear();
    importingInto.clear();
    List<Rescan> rescans = new ArrayList<>();
    byNode.forEach(
        (id, slots) -> {
          HostPort address = addresses.get(id);
          if (address != null) {
            rescans.add(new Rescan(id, address, slots));
          }
        });
    return rescans;
  }

  private String shard(String nodeId) {
    return shardOf.getOrDefault(nodeId, nodeId);
  }
}
