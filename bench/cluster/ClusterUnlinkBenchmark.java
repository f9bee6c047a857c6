import dev.cacheflush.support.RedisCluster;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The measurement behind how a cluster flush deletes (docs/deployments.md has the numbers). Not
 * part of {@code mvn verify}; run it alone on a quiet machine with {@code bench/cluster/run}, which
 * runs this file in source-file mode on the test classpath (it starts its cluster with the tests'
 * support/RedisServers).
 *
 * <p>A cluster may only UNLINK several keys in one command when they share a hash slot. Keys of a
 * SCAN page fall into as many slots as there are keys (a primary serves ~5,461 slots), so the
 * question is whether grouping by slot buys anything over one pipelined UNLINK per key, and
 * whether it still does when a group may hold only one flush pattern's keys (which exact
 * per-pattern counts need). Every
 * strategy scans the three primaries in parallel with SCAN COUNT 1000, keeps the same bound on
 * unanswered keys (500 keys x 8 in flight, the defaults), and deletes the same 200,000 of 300,000
 * keys; the keyspace is written afresh before every round.
 */
public final class ClusterUnlinkBenchmark {
  private static final int KEYS = 300_000;
  private static final int BATCH = 500;
  private static final int IN_FLIGHT = 8;
  private static final int ROUNDS = 5;
  private static final byte[][] FLUSH = {
    bytes("mocs:"), bytes("gallery:"), bytes("wishlist:"), bytes("albums:")
  };

  interface Strategy {
    /** Deletes the matched keys of one page, never holding more than the bound unanswered. */
    void page(List<byte[]> matched) throws InterruptedException;

    void finish() throws InterruptedException;
  }

  public static void main(String[] args) throws Exception {
    try (RedisCluster cluster = RedisServers.cluster(3, 0)) {
      List<RedisServer> primaries = cluster.primaries();
      RedisClient client = RedisClient.create();
      Map<RedisServer, StatefulRedisConnection<byte[], byte[]>> connections = new HashMap<>();
      for (RedisServer p : primaries) {
        connections.put(p, client.connect(ByteArrayCodec.INSTANCE, RedisURI.create(p.url())));
      }
      Map<String, List<Long>> millis = new HashMap<>();
      Map<String, List<Long>> serverMillis = new HashMap<>();
      List<String> names =
          List.of(
              "single-key, one write per command",
              "single-key, one write per 500",
              "slot-grouped per SCAN page",
              "slot-grouped, buffered across pages (<= 4000 keys)",
              "slot+pattern-grouped, buffered (<= 4000 keys)");
      try {
        for (int round = 0; round < ROUNDS; round++) {
          for (int k = 0; k < names.size(); k++) {
            // Rotated, so that no strategy always runs first after the JVM starts.
            int s = (k + round) % names.size();
            fill(cluster, connections);
            double cpuBefore = serverCpu(connections);
            LongAdder deleted = new LongAdder();
            LongAdder commands = new LongAdder();
            long started = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(primaries.size());
            List<Future<?>> runs = new ArrayList<>();
            for (RedisServer p : primaries) {
              StatefulRedisConnection<byte[], byte[]> c = connections.get(p);
              runs.add(
                  pool.submit(
                      () -> {
                        scanAndDelete(c, create(s, c, deleted, commands));
                        return null;
                      }));
            }
            for (Future<?> run : runs) {
              run.get(10, TimeUnit.MINUTES);
            }
            pool.shutdown();
            long elapsed = (System.nanoTime() - started) / 1_000_000;
            long cpu = Math.round((serverCpu(connections) - cpuBefore) * 1000);
            check(
                deleted.sum() == 200_000,
                names.get(s) + " deleted " + deleted.sum() + " keys, not 200,000");
            millis.computeIfAbsent(names.get(s), n -> new ArrayList<>()).add(elapsed);
            serverMillis.computeIfAbsent(names.get(s), n -> new ArrayList<>()).add(cpu);
            System.out.printf(
                Locale.ROOT,
                "round %d  %-52s %6d ms wall %6d ms Redis CPU %,8d UNLINK commands%n",
                round + 1,
                names.get(s),
                elapsed,
                cpu,
                commands.sum());
          }
        }
      } finally {
        connections.values().forEach(StatefulRedisConnection::close);
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
      for (String name : names) {
        List<Long> times = new ArrayList<>(millis.get(name));
        times.sort(null);
        List<Long> cpu = new ArrayList<>(serverMillis.get(name));
        cpu.sort(null);
        System.out.printf(
            Locale.ROOT,
            "median %-52s %6d ms wall %6d ms Redis CPU (wall %s, cpu %s)%n",
            name,
            times.get(times.size() / 2),
            cpu.get(cpu.size() / 2),
            times,
            cpu);
      }
    }
  }

  private static void scanAndDelete(StatefulRedisConnection<byte[], byte[]> c, Strategy strategy)
      throws InterruptedException {
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<byte[]> page = c.sync().scan(cursor, ScanArgs.Builder.limit(1000));
      List<byte[]> matched = new ArrayList<>();
      for (byte[] key : page.getKeys()) {
        if (matches(key)) {
          matched.add(key);
        }
      }
      strategy.page(matched);
      cursor = page;
    } while (!cursor.isFinished());
    strategy.finish();
  }

  private static Strategy create(
      int which, StatefulRedisConnection<byte[], byte[]> c, LongAdder deleted, LongAdder commands) {
    return switch (which) {
      case 0 -> new SingleKeyAsync(c, deleted, commands);
      case 1 -> new Grouped(c, deleted, commands, false, 0, false);
      case 2 -> new Grouped(c, deleted, commands, true, 0, false);
      case 3 -> new Grouped(c, deleted, commands, true, BATCH * IN_FLIGHT, false);
      default -> new Grouped(c, deleted, commands, true, BATCH * IN_FLIGHT, true);
    };
  }

  /** {@code async().unlink(key)} per key: Lettuce writes and flushes each command on its own. */
  static final class SingleKeyAsync implements Strategy {
    private final StatefulRedisConnection<byte[], byte[]> c;
    private final LongAdder deleted;
    private final LongAdder commands;
    private final Semaphore unanswered = new Semaphore(BATCH * IN_FLIGHT);

    SingleKeyAsync(
        StatefulRedisConnection<byte[], byte[]> c, LongAdder deleted, LongAdder commands) {
      this.c = c;
      this.deleted = deleted;
      this.commands = commands;
    }

    @Override
    public void page(List<byte[]> matched) throws InterruptedException {
      for (byte[] key : matched) {
        unanswered.acquire();
        commands.increment();
        RedisFuture<Long> f = c.async().unlink(key);
        f.whenComplete(
            (n, e) -> {
              if (n != null) {
                deleted.add(n);
              }
              unanswered.release();
            });
      }
    }

    @Override
    public void finish() throws InterruptedException {
      unanswered.acquire(BATCH * IN_FLIGHT);
      unanswered.release(BATCH * IN_FLIGHT);
    }
  }

  /**
   * Keys collected into groups of {@link #BATCH}, each group sent with one {@code dispatch}
   * (one write); within a group, one UNLINK per key or per slot.
   */
  static final class Grouped implements Strategy {
    private final StatefulRedisConnection<byte[], byte[]> c;
    private final LongAdder deleted;
    private final LongAdder commands;
    private final boolean bySlot;
    private final int buffer;
    private final boolean byPattern;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final List<byte[]> pending = new ArrayList<>();
    private final Map<Integer, List<byte[]>> slots = new HashMap<>();
    private int buffered;

    Grouped(
        StatefulRedisConnection<byte[], byte[]> c,
        LongAdder deleted,
        LongAdder commands,
        boolean bySlot,
        int buffer,
        boolean byPattern) {
      this.byPattern = byPattern;
      this.c = c;
      this.deleted = deleted;
      this.commands = commands;
      this.bySlot = bySlot;
      this.buffer = buffer;
    }

    @Override
    public void page(List<byte[]> matched) throws InterruptedException {
      if (!bySlot) {
        for (byte[] key : matched) {
          pending.add(key);
          if (pending.size() == BATCH) {
            send(pending.stream().map(k -> new byte[][] {k}).toList());
            pending.clear();
          }
        }
        return;
      }
      for (byte[] key : matched) {
        // With byPattern, a group holds one flush pattern's keys, so UNLINK's count is that
        // pattern's.
        int group = RedisCluster.slotOf(key) + (byPattern ? RedisCluster.SLOTS * pattern(key) : 0);
        slots.computeIfAbsent(group, s -> new ArrayList<>()).add(key);
        buffered++;
      }
      if (buffered >= buffer) {
        sendSlots();
      }
    }

    private void sendSlots() throws InterruptedException {
      List<byte[][]> groups = new ArrayList<>();
      for (List<byte[]> keys : slots.values()) {
        for (int i = 0; i < keys.size(); i += BATCH) {
          groups.add(keys.subList(i, Math.min(keys.size(), i + BATCH)).toArray(byte[][]::new));
        }
      }
      slots.clear();
      buffered = 0;
      for (int i = 0; i < groups.size(); i += BATCH) {
        send(groups.subList(i, Math.min(groups.size(), i + BATCH)));
      }
    }

    private void send(List<byte[][]> unlinks) throws InterruptedException {
      inFlight.acquire();
      List<RedisCommand<byte[], byte[], ?>> batch = new ArrayList<>(unlinks.size());
      List<AsyncCommand<byte[], byte[], Long>> futures = new ArrayList<>(unlinks.size());
      for (byte[][] keys : unlinks) {
        CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKeys(keys);
        AsyncCommand<byte[], byte[], Long> cmd =
            new AsyncCommand<>(
                new Command<>(
                    CommandType.UNLINK, new IntegerOutput<>(ByteArrayCodec.INSTANCE), args));
        batch.add(cmd);
        futures.add(cmd);
      }
      commands.add(unlinks.size());
      c.dispatch(batch);
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .whenComplete(
              (v, e) -> {
                for (AsyncCommand<byte[], byte[], Long> f : futures) {
                  if (!f.isCompletedExceptionally()) {
                    deleted.add(f.join());
                  }
                }
                inFlight.release();
              });
    }

    @Override
    public void finish() throws InterruptedException {
      if (bySlot) {
        sendSlots();
      } else if (!pending.isEmpty()) {
        send(pending.stream().map(k -> new byte[][] {k}).toList());
        pending.clear();
      }
      inFlight.acquire(IN_FLIGHT);
      inFlight.release(IN_FLIGHT);
    }
  }

  /** 300,000 keys, two thirds of them in flush families, written straight to the owning primary. */
  private static void fill(
      RedisCluster cluster, Map<RedisServer, StatefulRedisConnection<byte[], byte[]>> conns) {
    Map<Integer, StatefulRedisConnection<byte[], byte[]>> bySlot = new HashMap<>();
    for (RedisServer p : conns.keySet()) {
      conns.get(p).sync().flushall();
      for (int slot : cluster.slotsOf(p)) {
        bySlot.put(slot, conns.get(p));
      }
    }
    String[] families = {"mocs", "gallery", "wishlist", "albums", "sessions", "ratelimit"};
    List<RedisFuture<?>> pending = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      byte[] key = bytes(families[i % families.length] + ":" + i);
      pending.add(bySlot.get(RedisCluster.slotOf(key)).async().set(key, bytes("v")));
      if (pending.size() == 10_000) {
        pending.forEach(f -> f.toCompletableFuture().join());
        pending.clear();
      }
    }
    pending.forEach(f -> f.toCompletableFuture().join());
    long total = conns.values().stream().mapToLong(c -> c.sync().dbsize()).sum();
    check(total == KEYS, "the fill wrote " + total + " keys, not " + KEYS);
  }

  /** Seconds of CPU the primaries have used (INFO cpu): the cost a flush puts on the shared cache. */
  private static double serverCpu(Map<RedisServer, StatefulRedisConnection<byte[], byte[]>> conns) {
    double total = 0;
    for (StatefulRedisConnection<byte[], byte[]> c : conns.values()) {
      for (String line : c.sync().info("cpu").split("\r\n")) {
        if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
          total += Double.parseDouble(line.substring(line.indexOf(':') + 1));
        }
      }
    }
    return total;
  }

  private static boolean matches(byte[] key) {
    return pattern(key) >= 0;
  }

  private static int pattern(byte[] key) {
    for (int i = 0; i < FLUSH.length; i++) {
      byte[] prefix = FLUSH[i];
      if (key.length >= prefix.length
          && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
        return i;
      }
    }
    return -1;
  }

  /** A wrong count makes every figure meaningless: stop there. */
  private static void check(boolean holds, String otherwise) {
    if (!holds) {
      throw new IllegalStateException(otherwise);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
