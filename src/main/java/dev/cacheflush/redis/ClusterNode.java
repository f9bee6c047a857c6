package dev.cacheflush.redis;

import dev.cacheflush.config.RedisUrl.HostPort;
import java.util.BitSet;
import java.util.Map;
import java.util.Set;

/**
 * One line of CLUSTER NODES, as the node that answered sees it.
 *
 * @param address where clients reach the node, or null while it has none ({@code noaddr}, or an
 *     empty address during a handshake)
 * @param masterId the primary a replica follows; null for a primary
 * @param slots the slots the node serves (primaries only)
 * @param migrating slots this node is moving away, to the node id given (shown on the answering
 *     node's own line only)
 * @param importing slots this node is taking over, from the node id given (same)
 */
public record ClusterNode(
    String id,
    HostPort address,
    Set<String> flags,
    String masterId,
    BitSet slots,
    Map<Integer, String> migrating,
    Map<Integer, String> importing) {

  public boolean primary() {
    return flags.contains("master");
  }

  public boolean replica() {
    return flags.contains("slave");
  }

  /** Whether clients can use it: it has an address, is not known to have failed and is not joining. */
  public boolean usable() {
    return address != null
        && !flags.contains("fail")
        && !flags.contains("handshake")
        && !flags.contains("noaddr");
  }
}
