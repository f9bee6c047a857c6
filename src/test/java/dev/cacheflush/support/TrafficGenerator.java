package dev.cacheflush.support;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * An application in front of the cache, as in the story: cache-aside reads of the content families
 * with skewed popularity (Zipf: the k-th most popular item is read in proportion to 1/k^skew), a
 * GET that on a miss queries PostgreSQL and SETs the answer, and a steady share of session reads
 * that the flush must never disturb. Paced to a fixed rate, so the hit rate, not the load, is what
 * a flush changes. Counts its own hits and misses, independently of Redis's counters.
 */
public final class TrafficGenerator implements AutoCloseable {
  public static final List<String> FAMILIES = List.of("mocs", "gallery", "wishlist", "albums");

  /** One read in this many is a session read. */
  private static final int SESSION_EVERY = 10;

  private static final int SESSIONS = 100;

  private final String backend;
  private final PostgresServer db;
  private final String missQuery;
  private final int threads;
  private final long periodNanos;
  private final double[] cumulative;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final List<Thread> workers = new ArrayList<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder sessionReads = new LongAdder();
  private final LongAdder sessionMisses = new LongAdder();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean running;

  /**
   * @param missQuery SQL with one integer parameter (the item id) whose first column is the value to cache
   */
  public TrafficGenerator(
      String redisUrl,
      PostgresServer db,
      int items,
      double skew,
      int threads,
      int opsPerSecond,
      String missQuery) {
    this(null, redisUrl, db, items, skew, threads, opsPerSecond, missQuery);
  }

  /**
   * @param backend the application playing this traffic (e.g. express, serverless), written in
   *     front of every value it caches, so the cache shows who filled an entry; null for none
   */
  public TrafficGenerator(
      String backend,
      String redisUrl,
      PostgresServer db,
      int items,
      double skew,
      int threads,
      int opsPerSecond,
      String missQuery) {
    this.backend = backend;
    this.db = db;
    this.missQuery = missQuery;
    this.threads = threads;
    this.periodNanos = TimeUnit.SECONDS.toNanos(1) * threads / opsPerSecond;
    this.cumulative = new double[items];
    double sum = 0;
    for (int k = 0; k < items; k++) {
      sum += 1 / Math.pow(k + 1, skew);
      cumulative[k] = sum;
    }
    this.client = RedisClient.create(RedisURI.create(redisUrl));
    this.connection = client.connect();
  }

  /** The table the generator reads on a miss: {@code items(id, payload)} with {@code count} rows. */
  public static void createItems(PostgresServer db, int count) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS items");
      s.execute("CREATE TABLE items (id int PRIMARY KEY, payload text NOT NULL)");
      s.execute(
          "INSERT INTO items SELECT i, repeat(md5(i::text), 4) FROM generate_series(0, "
              + (count - 1)
              + ") i");
      s.execute("ANALYZE items");
    }
  }

  public static String key(int item) {
    return FAMILIES.get(item % FAMILIES.size()) + ":" + item;
  }

  /** Caches every item and the sessions, as a cache that has run for a while has them. */
  public void warm() {
    List<RedisFuture<String>> pending = new ArrayList<>();
    for (int item = 0; item < cumulative.length; item++) {
      pending.add(
          connection
              .async()
              .set(key(item), (backend == null ? "" : backend + ":") + "cached-" + item));
    }
    for (int s = 0; s < SESSIONS; s++) {
      pending.add(connection.async().set("sessions:" + s, "user-" + s));
    }
    for (RedisFuture<String> f : pending) {
      try {
        f.get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("warming the cache failed", e);
      }
    }
  }

  public synchronized void start() {
    running = true;
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::work, "traffic-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
  }

  public synchronized void stop() {
    running = false;
    for (Thread t : workers) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    workers.clear();
    throwIfFailed();
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  public long sessionReads() {
    return sessionReads.sum();
  }

  /** Session reads that found nothing: a user logged out by the flush. Must stay 0. */
  public long sessionMisses() {
    return sessionMisses.sum();
  }

  /** A generator that broke would make a test measure nothing; it fails the test instead. */
  public void throwIfFailed() {
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("the traffic generator failed", t);
    }
  }

  private void work() {
    RedisCommands<String, String> redis = connection.sync();
    try (Connection sql = db.connect();
        PreparedStatement query = sql.prepareStatement(missQuery)) {
      long next = System.nanoTime();
      long n = 0;
      while (running) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (++n % SESSION_EVERY == 0) {
          boolean found = redis.get("sessions:" + random.nextInt(SESSIONS)) != null;
          count(found);
          sessionReads.increment();
          if (!found) {
            sessionMisses.increment();
          }
        } else {
          int item = pick(random.nextDouble() * cumulative[cumulative.length - 1]);
          String key = key(item);
          String value = redis.get(key);
          count(value != null);
          if (value == null) {
            String loaded = load(query, item);
            redis.set(key, backend == null ? loaded : backend + ":" + loaded);
          }
        }
        next += periodNanos;
        long now = System.nanoTime();
        if (next - now > 0) {
          LockSupport.parkNanos(next - now);
        } else if (now - next > TimeUnit.SECONDS.toNanos(1)) {
          // Far behind (a slow database): carry on at the rate from here rather than in a burst.
          next = now;
        }
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    }
  }

  private void count(boolean hit) {
    (hit ? hits : misses).increment();
  }

  private static String load(PreparedStatement query, int item) throws SQLException {
    query.setInt(1, item);
    try (ResultSet rows = query.executeQuery()) {
      if (!rows.next()) {
        throw new IllegalStateException("no row for item " + item);
      }
      return rows.getString(1);
    }
  }

  private int pick(double u) {
    int i = Arrays.binarySearch(cumulative, u);
    return i >= 0 ? i : Math.min(-i - 1, cumulative.length - 1);
  }

  @Override
  public void close() {
    try {
      stop();
    } finally {
      connection.close();
      client.shutdown(0, 1, TimeUnit.SECONDS);
    }
  }
}
