package dev.cacheflush.monitor;

import dev.cacheflush.config.DbSettings;
import dev.cacheflush.config.JdbcUrls;
import dev.cacheflush.flush.LatencySignal;
import dev.cacheflush.flush.StopSignal;
import dev.cacheflush.report.LatencyReport;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times one query against the database on its own thread and schedule, so that a slow database
 * never holds up the flush or the watch. Latencies are kept with the time each query started and
 * summarised per stretch of time afterwards. The probe only reads: each query runs in a read-only
 * transaction that is rolled back. A failing database is counted and logged, never thrown: the
 * probe observes, it is not the job.
 */
public final class DbProbe implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DbProbe.class);
  private static final int QUERY_TIMEOUT_SECONDS = 5;
  private static final int LOGIN_TIMEOUT_SECONDS = 10;

  /** How often closing looks whether a stop was asked for while a query runs. */
  private static final long STOP_LOOK_MILLIS = 100;

  private record Sample(long startedNanos, long latencyNanos, boolean ok) {
    long endedNanos() {
      return startedNanos + latencyNanos;
    }
  }

  /** {@link #runningSince} when no query runs. */
  private static final long NOT_RUNNING = Long.MIN_VALUE;

  private final DbSettings settings;
  private final Ticker ticker;
  private final StopSignal stop;
  private final ScheduledExecutorService executor;
  private final List<Sample> samples = new ArrayList<>();
  private final List<String> secrets;
  private Connection connection;
  private volatile String firstError;
  private final CountDownLatch firstAnswer = new CountDownLatch(1);

  /** When the query running now started, on the ticker; {@link #NOT_RUNNING} between queries. */
  private volatile long runningSince = NOT_RUNNING;

  private DbProbe(DbSettings settings, Ticker ticker, StopSignal stop) {
    this.settings = settings;
    this.ticker = ticker;
    this.stop = stop;
    this.secrets = new ArrayList<>(JdbcUrls.secrets(settings.url()));
    if (settings.password() != null) {
      secrets.add(settings.password());
    }
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cacheflush-db-probe");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts probing now, then every interval after the previous query ended.
   *
   * @param stop once requested, closing no longer waits for a query still running
   */
  // probeOnce records its own failures, and close() ends the schedule by shutting the executor
  // down.
  @SuppressWarnings("FutureReturnValueIgnored")
  public static DbProbe start(DbSettings settings, Ticker ticker, StopSignal stop) {
    DbProbe probe = new DbProbe(settings, ticker, stop);
    probe.executor.scheduleWithFixedDelay(
        probe::probeOnce, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
    log.info(
        "Probing the database at {} every {} ms",
        settings.maskedUrl(),
        settings.interval().toMillis());
    return probe;
  }

  public DbSettings settings() {
    return settings;
  }

  /** The queries that started in [fromNanos, toNanos) on the ticker. */
  public LatencySummary between(long fromNanos, long toNanos) {
    List<Long> latencies = new ArrayList<>();
    int errors = 0;
    synchronized (samples) {
      for (Sample s : samples) {
        if (s.startedNanos >= fromNanos && s.startedNanos < toNanos) {
          if (s.ok) {
            latencies.add(s.latencyNanos);
          } else {
            errors++;
          }
        }
      }
    }
    return LatencySummary.of(latencies.stream().mapToLong(Long::longValue).toArray(), errors);
  }

  /**
   * The probe as a signal to pace a flush on (--db-max-latency): what the queries that ended lately
   * saw, and how long the one running now has run.
   */
  public LatencySignal signal() {
    return new LatencySignal() {
      @Override
      public Duration interval() {
        return settings.interval();
      }

      @Override
      public Recent recent(long windowNanos) {
        return DbProbe.this.recent(windowNanos);
      }

      @Override
      public LatencyReport between(long fromNanos, long toNanos) {
        return DbProbe.this.between(fromNanos, toNanos).report();
      }
    };
  }

  private LatencySignal.Recent recent(long windowNanos) {
    long now = ticker.nanos();
    List<Long> latencies = new ArrayList<>();
    int failed = 0;
    synchronized (samples) {
      // Samples are recorded as queries end, so the recent ones are at the end.
      for (int i = samples.size() - 1; i >= 0; i--) {
        Sample s = samples.get(i);
        if (now - s.endedNanos() > windowNanos) {
          break;
        }
        if (s.ok) {
          latencies.add(s.latencyNanos);
        } else {
          failed++;
        }
      }
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    long since = runningSince;
    return new LatencySignal.Recent(
        sorted.length,
        failed,
        sorted.length == 0 ? 0 : LatencySummary.percentile(sorted, 99),
        since == NOT_RUNNING ? 0 : Math.max(0, now - since));
  }

  /** The first failure, secrets removed, or null if every query answered. */
  public String firstError() {
    return firstError;
  }

  private void probeOnce() {
    long started = ticker.nanos();
    try {
      if (connection == null) {
        connection = connect();
      }
      try (Statement statement = connection.createStatement()) {
        statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        started = ticker.nanos();
        runningSince = started;
        boolean results = statement.execute(settings.query());
        drain(statement, results);
        record(new Sample(started, ticker.nanos() - started, true));
      } finally {
        runningSince = NOT_RUNNING;
        connection.rollback();
      }
    } catch (SQLException | RuntimeException e) {
      // Its latency is the time it took to fail, so that it is seen among the recent ones.
      record(new Sample(started, ticker.nanos() - started, false));
      failed(e);
    }
  }

  private Connection connect() throws SQLException {
    Properties properties = new Properties();
    if (settings.user() != null) {
      properties.setProperty("user", settings.user());
    }
    if (settings.password() != null) {
      properties.setProperty("password", settings.password());
    }
    DriverManager.setLoginTimeout(LOGIN_TIMEOUT_SECONDS);
    Connection c = DriverManager.getConnection(settings.url(), properties);
    c.setAutoCommit(false);
    c.setReadOnly(true);
    return c;
  }

  /** Reads every row, so the time includes sending the answer, as the application would wait for it. */
  private static void drain(Statement statement, boolean results) throws SQLException {
    boolean more = results;
    while (true) {
      if (more) {
        try (ResultSet rows = statement.getResultSet()) {
          while (rows.next()) {
            // only the time to read the rows matters
          }
        }
      } else if (statement.getUpdateCount() == -1) {
        return;
      }
      more = statement.getMoreResults();
    }
  }

  private void record(Sample sample) {
    synchronized (samples) {
      samples.add(sample);
    }
    firstAnswer.countDown();
  }

  /**
   * Waits until the first query has answered or failed, so that the first window or interval is
   * not spent loading the driver and logging in, which takes seconds on a busy host and would leave
   * it without a latency. Bounded by the login and query timeouts; ends at once on a stop request.
   */
  public void awaitFirstAnswer() {
    try {
      waitUntil(millis -> firstAnswer.await(millis, TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Something to wait for a while, as a latch or an executor's termination is. */
  @FunctionalInterface
  private interface Wait {
    /** @return whether it is done */
    boolean await(long millis) throws InterruptedException;
  }

  /**
   * Waits until {@code done}, looking every {@link #STOP_LOOK_MILLIS} whether a stop was asked for;
   * bounded by the login and query timeouts, which bound any one query.
   *
   * @return whether it was done; false when the wait ended on a stop request or the bound
   */
  private boolean waitUntil(Wait done) throws InterruptedException {
    long waitUntil =
        ticker.nanos() + TimeUnit.SECONDS.toNanos(LOGIN_TIMEOUT_SECONDS + QUERY_TIMEOUT_SECONDS);
    while (!done.await(STOP_LOOK_MILLIS)) {
      if (stop.requested() || ticker.nanos() - waitUntil > 0) {
        return false;
      }
    }
    return true;
  }

  private void failed(Exception e) {
    String message = JdbcUrls.scrub(firstLine(e.getMessage()), secrets);
    closeConnection();
    if (firstError == null) {
      firstError = message;
      log.warn(
          "Database probe failed at {}: {} (it tries again; nothing else waits for it)",
          settings.maskedUrl(),
          message);
    } else {
      log.debug("Database probe failed again: {}", message);
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // the connection is being dropped because it failed; its close may fail as well
      }
      connection = null;
    }
  }

  /**
   * Stops probing. A query already running is let finish (it is bounded by the query and login
   * timeouts), so a summary taken after closing counts every query that started before; after a
   * stop request it is not waited for (a hung database must not hold up Ctrl-C or SIGTERM), and
   * counts as not answered.
   */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!waitUntil(millis -> executor.awaitTermination(millis, TimeUnit.MILLISECONDS))) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    closeConnection();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail given";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
