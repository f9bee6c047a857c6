package bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The server or servers a measured run is against (one redis-server, or the primaries of a
 * cluster): filled and checked before and after, and read for what the run cost them.
 */
interface Servers {
  /** A fresh fill of {@code w}; seconds it took. */
  double fill(Workload w) throws Exception;

  /** Null if exactly the flushable keys are gone and every kept key is there; else what is wrong. */
  String verify(Workload w) throws IOException;

  /** CONFIG RESETSTAT and SLOWLOG RESET on every server. */
  void resetStats() throws IOException;

  /** One INFO section of every server. */
  List<Map<String, String>> infos(String section) throws IOException;

  /** SLOWLOG GET -1 of every server, concatenated. */
  List<?> slowlog() throws IOException;
}
