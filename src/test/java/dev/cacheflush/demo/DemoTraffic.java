package dev.cacheflush.demo;

import dev.cacheflush.support.PostgresServer;
import dev.cacheflush.support.TrafficGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * The applications of scripts/demo: a throwaway PostgreSQL, and the Express and the Serverless
 * backend reading through the shared cache at the rollout's weights (75 % and 25 %), with the
 * skewed popularity of a real catalogue. A miss costs the database real work, as a cache
 * stampede does, so the flush shows in its latency.
 *
 * <p>Usage: {@code DemoTraffic REDIS_URL STATE_FILE}. Once the database is up and the cache warm,
 * it writes STATE_FILE, a shell file with DB_URL, DB_USER, DB_PASSWORD and DB_QUERY to source,
 * and runs until it is stopped (SIGTERM or Ctrl-C); then it writes what each backend saw to
 * STATE_FILE.stats, stops the database and removes its files.
 */
public final class DemoTraffic {
  static final int ITEMS = 15_000;
  static final double SKEW = 0.7;
  static final int READS_PER_SECOND = 1_000;

  /**
   * An uncorrelated sub-select that every execution runs again: milliseconds of CPU per miss, like
   * the joins of a real product page. The probe times the same kind of query for one item.
   */
  static final String WORK =
      "(SELECT count(*) FROM generate_series(1, 4000) g WHERE md5(g::text) > 'f') >= 0";

  static final String MISS_QUERY = "SELECT payload FROM items WHERE id = ? AND " + WORK;
  static final String PROBE_QUERY = "SELECT payload FROM items WHERE id = 1 AND " + WORK;

  private DemoTraffic() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: DemoTraffic REDIS_URL STATE_FILE");
      System.exit(2);
    }
    String redisUrl = args[0];
    Path state = Path.of(args[1]);
    // SIGTERM (the demo's clean-up) and Ctrl-C end the loop below, so that everything is stopped in
    // order and the database's files are removed, which a shutdown hook could not promise.
    AtomicBoolean stop = new AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> stop.set(true));
    }
    int exitCode = 0;
    try (PostgresServer db = PostgresServer.start()) {
      TrafficGenerator.createItems(db, ITEMS);
      List<TrafficGenerator> backends =
          List.of(
              new TrafficGenerator(
                  "express", redisUrl, db, ITEMS, SKEW, 6, READS_PER_SECOND * 3 / 4, MISS_QUERY),
              new TrafficGenerator(
                  "serverless", redisUrl, db, ITEMS, SKEW, 2, READS_PER_SECOND / 4, MISS_QUERY));
      try {
        backends.get(0).warm();
        backends.forEach(TrafficGenerator::start);
        writeAtomically(
            state,
            String.join(
                "\n",
                "DB_URL='" + db.jdbcUrl() + "'",
                "DB_USER='" + db.user() + "'",
                "DB_PASSWORD='" + db.password() + "'",
                "DB_QUERY=\"" + PROBE_QUERY + "\"",
                "DEMO_PGDATA='" + db.dataDirectory() + "'",
                "export DB_URL DB_USER DB_PASSWORD DB_QUERY",
                ""));
        System.out.printf(
            Locale.ROOT,
            "Traffic: %d reads/s over %,d items (Zipf %.1f), 75%% express, 25%% "
                + "serverless; PostgreSQL at %s%n",
            READS_PER_SECOND,
            ITEMS,
            SKEW,
            db.jdbcUrl());
        while (!stop.get()) {
          Thread.sleep(200);
          backends.forEach(TrafficGenerator::throwIfFailed);
        }
      } catch (RuntimeException e) {
        System.err.println("The traffic failed: " + e);
        e.printStackTrace();
        exitCode = 1;
      } finally {
        stop(backends, state);
      }
    }
    System.exit(exitCode);
  }

  private static void stop(List<TrafficGenerator> backends, Path state) {
    StringBuilder stats = new StringBuilder();
    long sessionReads = 0;
    long sessionMisses = 0;
    for (TrafficGenerator backend : backends) {
      try {
        backend.close();
      } catch (RuntimeException e) {
        System.err.println("A backend failed: " + e);
      }
      sessionReads += backend.sessionReads();
      sessionMisses += backend.sessionMisses();
    }
    String[] names = {"express", "serverless"};
    for (int i = 0; i < backends.size(); i++) {
      TrafficGenerator b = backends.get(i);
      long reads = b.hits() + b.misses();
      stats.append(
          String.format(
              Locale.ROOT,
              "%s_reads=%d%n%s_hit_rate=%.1f%n",
              names[i],
              reads,
              names[i],
              reads == 0 ? 0 : 100.0 * b.hits() / reads));
    }
    stats.append("session_reads=").append(sessionReads).append('\n');
    stats.append("session_misses=").append(sessionMisses).append('\n');
    try {
      writeAtomically(Path.of(state + ".stats"), stats.toString());
    } catch (IOException e) {
      System.err.println("cannot write the traffic's stats: " + e);
    }
  }

  /** Readable only by its owner: it holds the database's password. */
  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp =
        Files.createTempFile(
            file.toAbsolutePath().getParent(),
            ".demo",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
