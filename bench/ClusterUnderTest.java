package bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of primaries only ({@code redis-server --cluster-enabled yes} on free loopback
 * ports, joined with {@code redis-cli --cluster create}), for the cluster row: started, filled,
 * checked and shut down here. Each primary gets a third of the slots and so about a third of the
 * keys; a fill writes each key to the primary that owns its slot.
 */
final class ClusterUnderTest implements Servers {
  static final int SLOTS = 16384;

  private final Path work;
  final List<Integer> ports = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final List<Resp> admins = new ArrayList<>();

  /** Index into {@link #ports} of the primary that owns each slot. */
  private final int[] owner = new int[SLOTS];

  private ClusterUnderTest(Path work) {
    this.work = work;
  }

  /** {@code primaries} primaries, no replicas, every slot assigned, cluster_state:ok everywhere. */
  static ClusterUnderTest start(Path work, int primaries) throws Exception {
    ClusterUnderTest c = new ClusterUnderTest(work);
    try {
      for (int i = 0; i < primaries; i++) {
        c.startNode(i);
      }
      c.create();
    } catch (Exception e) {
      c.shutdown();
      throw e;
    }
    return c;
  }

  private void startNode(int i) throws Exception {
    Path dir = work.resolve("cluster-" + i);
    Files.createDirectories(dir);
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePortWithBus();
      Process p =
          new ProcessBuilder(
                  "redis-server",
                  "--port",
                  String.valueOf(port),
                  "--bind",
                  "127.0.0.1",
                  "--cluster-enabled",
                  "yes",
                  "--cluster-config-file",
                  dir.resolve("nodes.conf").toString(),
                  "--cluster-node-timeout",
                  "15000",
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--enable-debug-command",
                  "local",
                  "--dir",
                  dir.toString(),
                  "--logfile",
                  dir.resolve("redis.log").toString(),
                  "--pidfile",
                  dir.resolve("redis.pid").toString(),
                  "--daemonize",
                  "no",
                  // The ceiling's EVAL runs for seconds: others get BUSY rather than a timeout.
                  "--busy-reply-threshold",
                  "0")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.out").toFile())
              .start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline && p.isAlive()) {
        try {
          Resp r = new Resp(port);
          r.call("PING");
          r.call("CONFIG", "SET", "slowlog-log-slower-than", "1000");
          r.call("CONFIG", "SET", "slowlog-max-len", "100000");
          ports.add(port);
          processes.add(p);
          admins.add(r);
          return;
        } catch (IOException e) {
          Thread.sleep(50);
        }
      }
      p.destroyForcibly();
    }
    throw new IllegalStateException(
        "cluster node " + i + " did not start; see " + dir.resolve("redis.log"));
  }

  /** A free port whose cluster bus port (port + 10000) is free too. */
  private static int freePortWithBus() throws IOException {
    while (true) {
      int p = RedisUnderTest.freePort();
      if (p + 10_000 > 65_535) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", p + 10_000));
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
  }

  private void create() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (int p : ports) {
      cmd.add("127.0.0.1:" + p);
    }
    cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("cluster-create.out").toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "redis-cli --cluster create failed; see " + work.resolve("cluster-create.out"));
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!ready()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the cluster did not reach cluster_state:ok in 60 s");
      }
      Thread.sleep(100);
    }
    readSlots();
  }

  /** Every node says cluster_state:ok and knows every other node. */
  private boolean ready() throws IOException {
    for (Resp r : admins) {
      String info = String.valueOf(r.call("CLUSTER", "INFO"));
      if (!info.contains("cluster_state:ok")
          || !info.contains("cluster_known_nodes:" + ports.size())) {
        return false;
      }
    }
    return true;
  }

  private void readSlots() throws IOException {
    Arrays.fill(owner, -1);
    for (Object o : (List<?>) admins.get(0).call("CLUSTER", "SLOTS")) {
      List<?> range = (List<?>) o;
      int port = ((Long) ((List<?>) range.get(2)).get(1)).intValue();
      int node = ports.indexOf(port);
      for (long s = (Long) range.get(0); s <= (Long) range.get(1); s++) {
        owner[(int) s] = node;
      }
    }
    for (int s = 0; s < SLOTS; s++) {
      if (owner[s] < 0) {
        throw new IllegalStateException("slot " + s + " has no owner");
      }
    }
  }

  String url() {
    return "redis://127.0.0.1:" + ports.get(0);
  }

  String describe() {
    return ports.size()
        + " primaries on 127.0.0.1:"
        + String.join(",", ports.stream().map(String::valueOf).toList())
        + " (no replicas, no persistence)";
  }

  /**
   * FLUSHALL on each primary, then every key of {@code w} (family:0 .. family:n-1, 100-byte values,
   * like DEBUG POPULATE's) written with pipelined SETs to the primary owning its slot, one thread
   * per primary; then a wait until no primary is rehashing.
   */
  @Override
  public double fill(Workload w) throws Exception {
    long t0 = System.nanoTime();
    for (Resp r : admins) {
      r.call("FLUSHALL", "SYNC");
    }
    ExecutorService pool = Executors.newFixedThreadPool(ports.size());
    try {
      List<Future<Long>> writes = new ArrayList<>();
      for (int node = 0; node < ports.size(); node++) {
        int n = node;
        writes.add(pool.submit(() -> fillNode(n, w)));
      }
      for (Future<Long> f : writes) {
        f.get(10, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    long deadline = System.nanoTime() + 120_000_000_000L;
    for (Resp r : admins) {
      while (String.valueOf(r.call("DEBUG", "HTSTATS", "0")).contains("rehashing target")
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }
    long size = 0;
    for (Resp r : admins) {
      size += (Long) r.call("DBSIZE");
    }
    if (size != w.total()) {
      throw new IllegalStateException("cluster fill: DBSIZE " + size + ", expected " + w.total());
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static final byte[] VALUE = new byte[100];

  static {
    Arrays.fill(VALUE, (byte) 'x');
  }

  /** The keys of {@code w} that primary {@code node} owns, SET in pipelined chunks of 10,000. */
  private long fillNode(int node, Workload w) throws IOException {
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress("127.0.0.1", ports.get(node)), 2000);
      OutputStream out = s.getOutputStream();
      InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
      ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 20);
      long written = 0;
      int pending = 0;
      for (Workload.Family f : w.families()) {
        for (long i = 0; i < f.count(); i++) {
          byte[] key = (f.prefix() + ":" + i).getBytes(StandardCharsets.UTF_8);
          if (owner[slot(key)] != node) {
            continue;
          }
          buf.write("*3\r\n$3\r\nSET\r\n$".getBytes(StandardCharsets.US_ASCII));
          buf.write(String.valueOf(key.length).getBytes(StandardCharsets.US_ASCII));
          buf.write('\r');
          buf.write('\n');
          buf.write(key);
          buf.write("\r\n$100\r\n".getBytes(StandardCharsets.US_ASCII));
          buf.write(VALUE);
          buf.write('\r');
          buf.write('\n');
          pending++;
          if (pending == 10_000) {
            written += flush(out, in, buf, pending);
            pending = 0;
          }
        }
      }
      return written + flush(out, in, buf, pending);
    }
  }

  private static long flush(OutputStream out, InputStream in, ByteArrayOutputStream buf, int n)
      throws IOException {
    buf.writeTo(out);
    out.flush();
    buf.reset();
    for (int i = 0; i < n; i++) {
      // Each reply is +OK\r\n; anything else is an error line.
      int t = in.read();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != '\r'; c = in.read()) {
        if (c < 0) {
          throw new IOException("cluster fill: connection closed");
        }
        line.append((char) c);
      }
      in.read();
      if (t != '+') {
        throw new IOException("cluster fill: " + (char) t + line);
      }
    }
    return n;
  }

  /** The key's hash slot: CRC16 (XMODEM) of the key, or of its {hash tag}, mod 16384. */
  static int slot(byte[] key) {
    int start = 0;
    int end = key.length;
    for (int i = 0; i < key.length; i++) {
      if (key[i] == '{') {
        for (int j = i + 1; j < key.length; j++) {
          if (key[j] == '}') {
            if (j > i + 1) {
              start = i + 1;
              end = j;
            }
            break;
          }
        }
        break;
      }
    }
    int crc = 0;
    for (int i = start; i < end; i++) {
      crc ^= (key[i] & 0xff) << 8;
      for (int b = 0; b < 8; b++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
        crc &= 0xffff;
      }
    }
    return crc & (SLOTS - 1);
  }

  @Override
  public String verify(Workload w) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    long size = 0;
    for (Resp r : admins) {
      RedisUnderTest.countFamilies(r, counts);
      size += (Long) r.call("DBSIZE");
    }
    return RedisUnderTest.wrongCounts(w, counts, size);
  }

  @Override
  public void resetStats() throws IOException {
    for (Resp r : admins) {
      r.call("CONFIG", "RESETSTAT");
      r.call("SLOWLOG", "RESET");
    }
  }

  @Override
  public List<Map<String, String>> infos(String section) throws IOException {
    List<Map<String, String>> l = new ArrayList<>();
    for (Resp r : admins) {
      l.add(RedisUnderTest.info(r, section));
    }
    return l;
  }

  @Override
  public List<?> slowlog() throws IOException {
    List<Object> all = new ArrayList<>();
    for (Resp r : admins) {
      all.addAll((List<?>) r.call("SLOWLOG", "GET", "-1"));
    }
    return all;
  }

  void shutdown() {
    for (Resp r : admins) {
      try {
        r.call("SHUTDOWN", "NOSAVE");
      } catch (Exception gone) {
        // the connection drops as the server goes: expected
      }
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
    }
    processes.clear();
    admins.clear();
  }
}
