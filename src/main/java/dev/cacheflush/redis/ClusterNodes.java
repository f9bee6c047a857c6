package dev.cacheflush.redis;

import dev.cacheflush.config.RedisUrl.HostPort;
import io.lettuce.core.codec.CRC16;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the reply of CLUSTER NODES. It is chosen over CLUSTER SHARDS because every Redis version
 * and ElastiCache engine with cluster mode has it, and because only it shows a slot half-way
 * through a migration ({@code [slot->-id]}, {@code [slot-<-id]}), which the flush must notice.
 *
 * <p>Line format: {@code id ip:port@cport[,hostname] flags master ping pong epoch link slot...}.
 */
public final class ClusterNodes {
  public static final int SLOTS = 16384;

  private ClusterNodes() {}

  /**
   * The hash slot of a key: CRC16 of the key, or of its {@code {hash tag}} (what is between the
   * first {@code {} and the first {@code }} after it, when not empty), modulo 16384. On the array
   * itself: a cluster flush asks it of every key it deletes.
   */
  public static int slotOf(byte[] key) {
    int open = indexOf(key, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(key, (byte) '}', open + 1);
      if (close > open + 1) {
        return CRC16.crc16(key, open + 1, close - open - 1) & (SLOTS - 1);
      }
    }
    return CRC16.crc16(key, 0, key.length) & (SLOTS - 1);
  }

  private static int indexOf(byte[] key, byte b, int from) {
    for (int i = from; i < key.length; i++) {
      if (key[i] == b) {
        return i;
      }
    }
    return -1;
  }

  public static List<ClusterNode> parse(String reply) {
    List<ClusterNode> nodes = new ArrayList<>();
    for (String line : reply.split("\r?\n", -1)) {
      if (!line.isBlank()) {
        nodes.add(parseLine(line.strip()));
      }
    }
    return nodes;
  }

  static ClusterNode parseLine(String line) {
    String[] f = line.split(" ", -1);
    if (f.length < 8) {
      throw new IllegalArgumentException("not a CLUSTER NODES line: " + line);
    }
    BitSet slots = new BitSet(SLOTS);
    Map<Integer, String> migrating = new HashMap<>();
    Map<Integer, String> importing = new HashMap<>();
    for (int i = 8; i < f.length; i++) {
      String s = f[i];
      if (s.startsWith("[")) {
        String body = s.substring(1, s.length() - 1);
        int out = body.indexOf("->-");
        int in = body.indexOf("-<-");
        if (out > 0) {
          migrating.put(Integer.parseInt(body.substring(0, out)), body.substring(out + 3));
        } else if (in > 0) {
          importing.put(Integer.parseInt(body.substring(0, in)), body.substring(in + 3));
        }
      } else {
        int dash = s.indexOf('-');
        int first = Integer.parseInt(dash < 0 ? s : s.substring(0, dash));
        int last = dash < 0 ? first : Integer.parseInt(s.substring(dash + 1));
        slots.set(first, last + 1);
      }
    }
    return new ClusterNode(
        f[0],
        address(f[1]),
        Set.of(f[2].split(",")),
        "-".equals(f[3]) ? null : f[3],
        slots,
        Map.copyOf(migrating),
        Map.copyOf(importing));
  }

  /**
   * The client address of {@code ip:port@cport[,hostname]}: the IP, as ElastiCache and Redis
   * announce it; null when the node has none yet.
   */
  private static HostPort address(String field) {
    int at = field.indexOf('@');
    String hostPort = at >= 0 ? field.substring(0, at) : field;
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      return null;
    }
    int port = Integer.parseInt(hostPort.substring(colon + 1));
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return port == 0 ? null : new HostPort(host, port);
  }
}
