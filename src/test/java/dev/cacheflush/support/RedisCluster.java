package dev.cacheflush.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A real Redis Cluster of {@code redis-server --cluster-enabled yes} processes on loopback, made by
 * {@link RedisServers#cluster(int, int, String...)}. Roles are read live ({@code ROLE},
 * {@code CLUSTER NODES}), so they stay right after failovers. Cluster node timeout is 1 s, so a
 * killed primary is replaced by its replica in about 2–4 s.
 */
public final class RedisCluster implements AutoCloseable {
  public static final int SLOTS = 16384;
  static final int NODE_TIMEOUT_MILLIS = 1000;
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  private final List<RedisServer> nodes;
  private final int replicasPerPrimary;
  private final Map<Integer, String> nodeIds = new HashMap<>();

  /** Last owner (node id) seen for each slot while the cluster was healthy. */
  private final String[] knownOwners = new String[SLOTS];

  RedisCluster(List<RedisServer> nodes, int replicasPerPrimary) {
    this.nodes = List.copyOf(nodes);
    this.replicasPerPrimary = replicasPerPrimary;
  }

  // ------------------------------------------------------------------------------------------
  // Topology

  /** Every node ever started for this cluster, running or not, in creation order. */
  public List<RedisServer> nodes() {
    return nodes;
  }

  /** The running nodes whose {@code ROLE} says master right now. */
  public List<RedisServer> primaries() {
    return withRole("master");
  }

  /** The running nodes whose {@code ROLE} says slave right now. */
  public List<RedisServer> replicas() {
    return withRole("slave");
  }

  /** The running replicas whose master is {@code primary} (per the primary's CLUSTER NODES). */
  public List<RedisServer> replicasOf(RedisServer primary) {
    String primaryId = nodeId(primary);
    List<RedisServer> replicas = new ArrayList<>();
    for (RedisServer node : running()) {
      if (node != primary && primaryId.equals(view(node).self().masterId())) {
        replicas.add(node);
      }
    }
    return replicas;
  }

  /** {@code redis://127.0.0.1:port} (or {@code rediss://}) of a running node. */
  public String seedUrl() {
    return running().stream()
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no cluster node is running"))
        .url();
  }

  /** The URLs of all running nodes, for clients that take several seeds. */
  public List<String> seedUrls() {
    return running().stream().map(RedisServer::url).toList();
  }

  /** The node id (40 hex chars); stable across restarts because nodes.conf persists. */
  public String nodeId(RedisServer node) {
    synchronized (nodeIds) {
      return nodeIds.computeIfAbsent(node.port(), port -> node.callString("CLUSTER", "MYID"));
    }
  }

  /** The node of this cluster with this id. */
  public RedisServer nodeById(String id) {
    for (RedisServer node : nodes) {
      if (id.equals(nodeId(node))) {
        return node;
      }
    }
    throw new IllegalArgumentException("no node with id " + id);
  }

  /** The running primary that serves {@code slot}, according to a running node. */
  public RedisServer primaryForSlot(int slot) {
    RedisServer any =
        running().stream()
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no cluster node is running"));
    String owner = view(any).owners()[slot];
    if (owner == null) {
      throw new IllegalStateException("slot " + slot + " is not served by any node");
    }
    return nodeById(owner);
  }

  /** The running primary that serves {@code key}. */
  public RedisServer primaryFor(String key) {
    return primaryForSlot(slotOf(key));
  }

  /** The slots (ascending) that {@code primary} serves, according to a running node. */
  public List<Integer> slotsOf(RedisServer primary) {
    String id = nodeId(primary);
    RedisServer any =
        running().stream()
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no cluster node is running"));
    String[] owners = view(any).owners();
    List<Integer> slots = new ArrayList<>();
    for (int slot = 0; slot < SLOTS; slot++) {
      if (id.equals(owners[slot])) {
        slots.add(slot);
      }
    }
    return slots;
  }

  /** Redis Cluster's hash slot of a key: CRC16 (XMODEM) of the key or its {@code {hash tag}}, mod 16384. */
  public static int slotOf(String key) {
    return slotOf(key.getBytes(StandardCharsets.UTF_8));
  }

  public static int slotOf(byte[] key) {
    int start = 0;
    int end = key.length;
    for (int open = 0; open < key.length; open++) {
      if (key[open] == '{') {
        for (int close = open + 1; close < key.length; close++) {
          if (key[close] == '}') {
            if (close > open + 1) {
              start = open + 1;
              end = close;
            }
            break;
          }
        }
        break;
      }
    }
    return crc16(key, start, end) & (SLOTS - 1);
  }

  /**
   * A short hash tag whose slot is {@code slot}: every key containing {@code "{" + tag + "}"} lives
   * in that slot, e.g. {@code "mocs:{" + hashTagForSlot(42) + "}:1"}.
   */
  public static String hashTagForSlot(int slot) {
    return HashTags.TABLE[slot];
  }

  // ------------------------------------------------------------------------------------------
  // Faults

  /** SIGKILLs {@code node} (remembering which slots it served, for {@link #awaitFailover}). */
  public void kill(RedisServer node) {
    requireMember(node);
    rememberOwners();
    node.kill();
  }

  /** Starts a killed or stopped node again on its port; it rejoins with its old id. */
  public RedisServer restart(RedisServer node) {
    requireMember(node);
    node.start();
    return node;
  }

  /**
   * Waits until the slots {@code failedPrimary} served (when last seen healthy, or at
   * {@link #kill}) are served by another running node, the failed node is flagged {@code fail},
   * and the cluster is healthy again (see {@link #awaitHealthy}). Returns the promoted node.
   */
  public RedisServer awaitFailover(RedisServer failedPrimary) {
    return awaitFailover(failedPrimary, DEFAULT_TIMEOUT);
  }

  public RedisServer awaitFailover(RedisServer failedPrimary, Duration timeout) {
    requireMember(failedPrimary);
    String failedId = nodeId(failedPrimary);
    int firstSlot = -1;
    synchronized (knownOwners) {
      for (int slot = 0; slot < SLOTS && firstSlot < 0; slot++) {
        if (failedId.equals(knownOwners[slot])) {
          firstSlot = slot;
        }
      }
    }
    if (firstSlot < 0) {
      throw new IllegalStateException(
          failedPrimary + " served no slots when last seen; nothing to fail over");
    }
    int slot = firstSlot;
    RedisServer[] promoted = new RedisServer[1];
    Poll.until(
        timeout,
        "failover of " + failedPrimary,
        () -> {
          String problem = healthProblem(false);
          if (problem != null) {
            return problem;
          }
          for (RedisServer node : running()) {
            ClusterView view = view(node);
            NodeLine failed = view.byId().get(failedId);
            if (failedPrimary.isRunning()) {
              if (failed != null && failed.flags().contains("master")) {
                return node + " still sees " + failedPrimary + " as master";
              }
            } else if (failed == null || !failed.flags().contains("fail")) {
              return node + " does not flag " + failedPrimary + " as failed yet";
            }
            if (failedId.equals(view.owners()[slot])) {
              return node + " still routes slot " + slot + " to " + failedPrimary;
            }
          }
          promoted[0] = primaryForSlot(slot);
          return null;
        });
    rememberOwners();
    return promoted[0];
  }

  /**
   * Waits until every running node reports {@code cluster_state:ok}, all running nodes agree on
   * which node serves each slot, every slot's owner is running and not flagged failed, and every
   * running replica's replication link is up.
   */
  public void awaitHealthy() {
    awaitHealthy(DEFAULT_TIMEOUT);
  }

  public void awaitHealthy(Duration timeout) {
    Poll.until(timeout, "cluster healthy", () -> healthProblem(false));
    rememberOwners();
  }

  /** Creation-time readiness: healthy, every node known to every node, every replica attached. */
  void awaitFormed(Duration timeout) {
    Poll.until(timeout, "cluster formed", () -> healthProblem(true));
    rememberOwners();
  }

  // ------------------------------------------------------------------------------------------
  // Resharding

  /**
   * Moves {@code slot} from {@code from} to {@code to} the way {@code redis-cli --cluster reshard}
   * does: SETSLOT IMPORTING / MIGRATING, MIGRATE of every key, SETSLOT NODE on target, source and
   * the other primaries; then waits until every running node routes the slot to {@code to}.
   * Returns the number of keys moved.
   */
  public int migrateSlot(int slot, RedisServer from, RedisServer to) {
    SlotMigration migration = beginMigration(slot, from, to);
    int moved = migration.moveAllKeys();
    migration.finish();
    return moved;
  }

  /**
   * Starts moving {@code slot} and stops half-way, for tests that need a slot in the
   * MIGRATING/IMPORTING state (clients then get {@code -ASK} redirects). Finish with
   * {@link SlotMigration#finish()}.
   */
  public SlotMigration beginMigration(int slot, RedisServer from, RedisServer to) {
    requireMember(from);
    requireMember(to);
    if (slot < 0 || slot >= SLOTS) {
      throw new IllegalArgumentException("slot " + slot);
    }
    String fromId = nodeId(from);
    String toId = nodeId(to);
    to.call("CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
    from.call("CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
    return new SlotMigration(slot, from, to);
  }

  /** A slot move in progress; see {@link #beginMigration}. */
  public final class SlotMigration {
    private final int slot;
    private final RedisServer from;
    private final RedisServer to;

    private SlotMigration(int slot, RedisServer from, RedisServer to) {
      this.slot = slot;
      this.from = from;
      this.to = to;
    }

    public int slot() {
      return slot;
    }

    /** Keys of the slot still on the source node. */
    public long keysLeft() {
      return (Long) from.call("CLUSTER", "COUNTKEYSINSLOT", slot);
    }

    /** MIGRATEs up to {@code max} keys of the slot to the target; returns how many moved. */
    public int moveKeys(int max) {
      List<?> keys = (List<?>) from.callRaw("CLUSTER", "GETKEYSINSLOT", slot, max);
      if (keys.isEmpty()) {
        return 0;
      }
      List<Object> command =
          new ArrayList<>(List.of("MIGRATE", to.host(), to.port(), "", 0, 10_000, "REPLACE"));
      String password = from.password();
      if (password != null) {
        command.addAll(List.of("AUTH", password));
      }
      command.add("KEYS");
      command.addAll(keys);
      from.callRaw(command.toArray());
      return keys.size();
    }

    /** Moves every key left in the slot; returns how many moved. */
    public int moveAllKeys() {
      int moved = 0;
      for (int batch = moveKeys(200); batch > 0; batch = moveKeys(200)) {
        moved += batch;
      }
      return moved;
    }

    /** Moves what is left, assigns the slot to the target everywhere and waits until all agree. */
    public void finish() {
      moveAllKeys();
      String toId = nodeId(to);
      to.call("CLUSTER", "SETSLOT", slot, "NODE", toId);
      from.call("CLUSTER", "SETSLOT", slot, "NODE", toId);
      for (RedisServer primary : primaries()) {
        if (primary != to && primary != from) {
          try {
            primary.call("CLUSTER", "SETSLOT", slot, "NODE", toId);
          } catch (RuntimeException gossipWillTellIt) {
            // optional step: the cluster bus propagates the new owner anyway
          }
        }
      }
      Poll.until(
          DEFAULT_TIMEOUT,
          "slot " + slot + " routed to " + to,
          () -> {
            for (RedisServer node : running()) {
              ClusterView view = view(node);
              if (!toId.equals(view.owners()[slot])) {
                return node + " routes slot " + slot + " to " + view.owners()[slot];
              }
              if (view.self().migrating()) {
                return node + " still shows a migrating/importing slot";
              }
            }
            return null;
          });
      rememberOwners();
    }
  }

  // ------------------------------------------------------------------------------------------

  /** Kills every node and deletes their folders. */
  @Override
  public void close() {
    RedisServer.closeAll(nodes);
  }

  @Override
  public String toString() {
    return "RedisCluster" + nodes.stream().map(RedisServer::address).toList();
  }

  /** A short description of roles and slots as seen by one running node, for failure messages. */
  public String describe() {
    for (RedisServer node : running()) {
      try {
        return node.callString("CLUSTER", "NODES");
      } catch (RuntimeException tryNext) {
        // next node
      }
    }
    return "(no node answers)";
  }

  private List<RedisServer> running() {
    return nodes.stream().filter(RedisServer::isRunning).toList();
  }

  private List<RedisServer> withRole(String role) {
    List<RedisServer> matching = new ArrayList<>();
    for (RedisServer node : running()) {
      try {
        if (role.equals(node.role())) {
          matching.add(node);
        }
      } catch (RuntimeException unreachable) {
        // a node that does not answer has no role right now
      }
    }
    return matching;
  }

  private void requireMember(RedisServer node) {
    if (!nodes.contains(node)) {
      throw new IllegalArgumentException(node + " is not a node of " + this);
    }
  }

  private void rememberOwners() {
    for (RedisServer node : running()) {
      try {
        String[] owners = view(node).owners();
        synchronized (knownOwners) {
          for (int slot = 0; slot < SLOTS; slot++) {
            if (owners[slot] != null) {
              knownOwners[slot] = owners[slot];
            }
          }
        }
        return;
      } catch (RuntimeException tryNext) {
        // next node
      }
    }
  }

  /** Null when healthy, else what is wrong (for the timeout message). */
  private String healthProblem(boolean formation) {
    List<RedisServer> running = running();
    if (running.isEmpty()) {
      return "no node is running";
    }
    String[] reference = null;
    RedisServer referenceNode = null;
    for (RedisServer node : running) {
      Map<String, String> info = parseInfo(node.callString("CLUSTER", "INFO"));
      if (!"ok".equals(info.get("cluster_state"))) {
        return node + " cluster_state:" + info.get("cluster_state");
      }
      ClusterView view = view(node);
      if (formation) {
        if (view.lines().size() != nodes.size()) {
          return node + " knows " + view.lines().size() + " of " + nodes.size() + " nodes";
        }
        long replicas = view.lines().stream().filter(l -> l.flags().contains("slave")).count();
        long expected = (long) (nodes.size() / (1 + replicasPerPrimary)) * replicasPerPrimary;
        if (replicas != expected) {
          return node + " sees " + replicas + " of " + expected + " replicas";
        }
      }
      for (NodeLine line : view.lines()) {
        if (line.flags().contains("handshake") || line.flags().contains("noaddr")) {
          return node + " still handshaking with " + line.address();
        }
      }
      String[] owners = view.owners();
      for (int slot = 0; slot < SLOTS; slot++) {
        NodeLine owner = owners[slot] == null ? null : view.byId().get(owners[slot]);
        if (owner == null) {
          return node + " has no owner for slot " + slot;
        }
        if (owner.flags().contains("fail") || owner.flags().contains("fail?")) {
          return node + " routes slot " + slot + " to failing " + owner.address();
        }
        RedisServer ownerServer = byAddress(owner.address());
        if (ownerServer == null || !ownerServer.isRunning()) {
          return node + " routes slot " + slot + " to stopped " + owner.address();
        }
      }
      if (reference == null) {
        reference = owners;
        referenceNode = node;
      } else if (!Arrays.equals(reference, owners)) {
        return node + " and " + referenceNode + " disagree on slot owners";
      }
      if (view.self().flags().contains("slave")) {
        Map<String, String> replication = node.info("replication");
        if (!"up".equals(replication.get("master_link_status"))) {
          return node + " master_link_status:" + replication.get("master_link_status");
        }
      }
    }
    return null;
  }

  private RedisServer byAddress(String address) {
    for (RedisServer node : nodes) {
      if (node.address().equals(address)) {
        return node;
      }
    }
    return null;
  }

  static Map<String, String> parseInfo(String text) {
    Map<String, String> info = new LinkedHashMap<>();
    for (String line : text.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        info.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return info;
  }

  ClusterView view(RedisServer node) {
    return ClusterView.parse(node.callString("CLUSTER", "NODES"));
  }

  /** One line of CLUSTER NODES. */
  record NodeLine(
      String id,
      String address,
      Set<String> flags,
      String masterId,
      List<int[]> slots,
      boolean migrating) {}

  /** A parsed CLUSTER NODES reply. */
  record ClusterView(
      List<NodeLine> lines, Map<String, NodeLine> byId, NodeLine self, String[] owners) {
    static ClusterView parse(String text) {
      List<NodeLine> lines = new ArrayList<>();
      Map<String, NodeLine> byId = new HashMap<>();
      NodeLine self = null;
      String[] owners = new String[SLOTS];
      for (String raw : text.split("\n")) {
        String[] f = raw.trim().split(" ");
        if (f.length < 8) {
          continue;
        }
        String address = f[1];
        int at = address.indexOf('@');
        if (at >= 0) {
          address = address.substring(0, at);
        }
        if (address.startsWith(":")) {
          address =
              "127.0.0.1" + address; // a node that has met nobody does not know its own IP yet
        }
        Set<String> flags = new LinkedHashSet<>(Arrays.asList(f[2].split(",")));
        List<int[]> slots = new ArrayList<>();
        boolean migrating = false;
        for (int i = 8; i < f.length; i++) {
          String slot = f[i];
          if (slot.startsWith("[")) {
            migrating = true;
            continue;
          }
          int dash = slot.indexOf('-');
          int first = Integer.parseInt(dash < 0 ? slot : slot.substring(0, dash));
          int last = dash < 0 ? first : Integer.parseInt(slot.substring(dash + 1));
          slots.add(new int[] {first, last});
          if (flags.contains("master")) {
            Arrays.fill(owners, first, last + 1, f[0]);
          }
        }
        NodeLine line =
            new NodeLine(f[0], address, flags, "-".equals(f[3]) ? null : f[3], slots, migrating);
        lines.add(line);
        byId.put(line.id(), line);
        if (flags.contains("myself")) {
          self = line;
        }
      }
      return new ClusterView(lines, byId, Objects.requireNonNull(self, "no myself line"), owners);
    }
  }

  /** CRC16-CCITT (XMODEM), as in Redis's crc16.c. */
  private static int crc16(byte[] bytes, int start, int end) {
    int crc = 0;
    for (int i = start; i < end; i++) {
      crc ^= (bytes[i] & 0xff) << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      crc &= 0xffff;
    }
    return crc;
  }

  private static final class HashTags {
    static final String[] TABLE = build();

    private static String[] build() {
      String[] table = new String[SLOTS];
      int filled = 0;
      for (int i = 0; filled < SLOTS; i++) {
        String tag = Integer.toString(i, 36);
        int slot = slotOf(tag);
        if (table[slot] == null) {
          table[slot] = tag;
          filled++;
        }
      }
      return table;
    }
  }
}
