package bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** The redis-server every tool is measured against: started, filled, checked and shut down here. */
final class RedisUnderTest implements Servers {
  private final Path work;
  private Process process;
  private Resp admin;
  int port;

  private RedisUnderTest(Path work) {
    this.work = work;
  }

  /** A fresh redis-server on a free loopback port, its files in {@code work}, slow commands logged from 1 ms. */
  static RedisUnderTest start(Path work) throws Exception {
    RedisUnderTest server = new RedisUnderTest(work);
    server.startProcess();
    server.call("CONFIG", "SET", "slowlog-log-slower-than", "1000");
    server.call("CONFIG", "SET", "slowlog-max-len", "100000");
    return server;
  }

  private void startProcess() throws Exception {
    for (int attempt = 0; attempt < 5 && process == null; attempt++) {
      port = freePort();
      Process p =
          new ProcessBuilder(
                  "redis-server",
                  "--port",
                  String.valueOf(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--enable-debug-command",
                  "local",
                  "--dir",
                  work.toString(),
                  "--logfile",
                  work.resolve("redis.log").toString(),
                  "--pidfile",
                  work.resolve("redis.pid").toString(),
                  "--daemonize",
                  "no",
                  "--busy-reply-threshold",
                  "0")
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("redis.out").toFile())
              .start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline && p.isAlive()) {
        try {
          admin = new Resp(port);
          admin.call("PING");
          process = p;
          break;
        } catch (IOException e) {
          Thread.sleep(50);
        }
      }
      if (process == null) {
        p.destroyForcibly();
      }
    }
    if (process == null) {
      throw new IllegalStateException(
          "redis-server did not start; see " + work.resolve("redis.log"));
    }
  }

  static int freePort() throws IOException {
    Set<Integer> never = Set.of(6379, 5432, 3306);
    while (true) {
      int p = 20_000 + (int) (Math.random() * 30_000);
      if (never.contains(p)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", p));
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  Object call(String... args) throws IOException {
    return admin.call(args);
  }

  /** FLUSHALL, then DEBUG POPULATE per family, then wait for the hash table's rehash to end. */
  @Override
  public double fill(Workload w) throws Exception {
    long t0 = System.nanoTime();
    admin.call("FLUSHALL", "SYNC");
    for (Workload.Family f : w.families()) {
      admin.call("DEBUG", "POPULATE", String.valueOf(f.count()), f.prefix(), "100");
    }
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (String.valueOf(admin.call("DEBUG", "HTSTATS", "0")).contains("rehashing target")
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long size = (Long) admin.call("DBSIZE");
    if (size != w.total()) {
      throw new IllegalStateException("fill: DBSIZE " + size + ", expected " + w.total());
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Keys per family (the part of the name before the first ':'), counted by one script. */
  static final String COUNT_SCRIPT =
      """
      local cursor, counts = '0', {}
      repeat
        local r = redis.call('SCAN', cursor, 'COUNT', 10000)
        cursor = r[1]
        for _, k in ipairs(r[2]) do
          local p = string.match(k, '^([^:]*):') or k
          counts[p] = (counts[p] or 0) + 1
        end
      until cursor == '0'
      local out = {}
      for p, n in pairs(counts) do out[#out + 1] = p; out[#out + 1] = n end
      return out
      """;

  @Override
  public String verify(Workload w) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    countFamilies(admin, counts);
    return wrongCounts(w, counts, (Long) admin.call("DBSIZE"));
  }

  /** Adds the keys per family of the server behind {@code r} to {@code counts}. */
  static void countFamilies(Resp r, Map<String, Long> counts) throws IOException {
    List<?> flat = (List<?>) r.call("EVAL", COUNT_SCRIPT, "0");
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      counts.merge((String) flat.get(i), (Long) flat.get(i + 1), Long::sum);
    }
  }

  /** Null if {@code counts} (keys per family) and {@code size} are those of {@code w} after a flush. */
  static String wrongCounts(Workload w, Map<String, Long> counts, long size) {
    counts = new TreeMap<>(counts);
    List<String> wrong = new ArrayList<>();
    for (Workload.Family f : w.families()) {
      long have = counts.getOrDefault(f.prefix(), 0L);
      long want = f.flush() ? 0 : f.count();
      if (have != want) {
        wrong.add(f.prefix() + ":* " + have + " keys, expected " + want);
      }
      counts.remove(f.prefix());
    }
    counts.forEach((p, n) -> wrong.add(n + " unexpected keys " + p + ":*"));
    if (size != w.keepTotal()) {
      wrong.add("DBSIZE " + size + ", expected " + w.keepTotal());
    }
    return wrong.isEmpty() ? null : String.join(", ", wrong);
  }

  @Override
  public void resetStats() throws IOException {
    admin.call("CONFIG", "RESETSTAT");
    admin.call("SLOWLOG", "RESET");
  }

  @Override
  public List<Map<String, String>> infos(String section) throws IOException {
    return List.of(info(section));
  }

  @Override
  public List<?> slowlog() throws IOException {
    return (List<?>) admin.call("SLOWLOG", "GET", "-1");
  }

  Map<String, String> info(String section) throws IOException {
    return info(admin, section);
  }

  static Map<String, String> info(Resp r, String section) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : String.valueOf(r.call("INFO", section)).split("\r?\n", -1)) {
      int c = line.indexOf(':');
      if (c > 0 && !line.startsWith("#")) {
        m.put(line.substring(0, c), line.substring(c + 1));
      }
    }
    return m;
  }

  void shutdown() {
    if (process == null) {
      return;
    }
    try {
      admin.call("SHUTDOWN", "NOSAVE");
    } catch (Exception gone) {
      // the connection drops as the server goes: expected
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
    }
    process = null;
  }
}
