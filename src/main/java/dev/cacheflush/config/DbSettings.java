package dev.cacheflush.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The optional database latency probe: a JDBC URL, the query it times and how often. The user and
 * password may come from DB_USER and DB_PASSWORD so that they appear neither in the URL nor in the
 * process list; {@link #toString()} masks them, as every output must.
 */
public record DbSettings(
    String url, String user, String password, String query, Duration interval) {
  public static final String DEFAULT_QUERY = "SELECT 1";

  /** The default, once: --db-interval's help text quotes it. */
  public static final String INTERVAL = "500ms";

  public static final Duration DEFAULT_INTERVAL = Durations.parse(INTERVAL, "dbInterval");
  private static final List<String> SUPPORTED =
      List.of("jdbc:postgresql:", "jdbc:mysql:", "jdbc:mariadb:");

  /**
   * The probe the flags ask for, or null when no --db-url is given. The URL has no environment
   * default on purpose: DB_URL is a common name for an application's (often non-JDBC) URL, and
   * picking it up would turn a probe on, or fail the flush, without anyone asking.
   */
  public static DbSettings resolve(
      String url, String queryFlag, Duration intervalFlag, Map<String, String> env) {
    if (url == null) {
      if (queryFlag != null || intervalFlag != null) {
        throw new ConfigException(
            "--db-query and --db-interval need a database to probe: add --db-url");
      }
      return null;
    }
    String lower = url.strip().toLowerCase(Locale.ROOT);
    if (SUPPORTED.stream().noneMatch(lower::startsWith)) {
      throw new ConfigException(
          "The database URL '"
              + JdbcUrls.mask(url)
              + "' is not a JDBC URL this tool can use: "
              + "write jdbc:postgresql://host:5432/db or jdbc:mysql:// / jdbc:mariadb://host:3306/db in --db-url");
    }
    String query = queryFlag != null ? queryFlag : DEFAULT_QUERY;
    if (query.isBlank()) {
      throw new ConfigException("--db-query is empty: give the query to time, e.g. 'SELECT 1'");
    }
    Duration interval = intervalFlag != null ? intervalFlag : DEFAULT_INTERVAL;
    if (interval.toMillis() < 10) {
      throw new ConfigException(
          "--db-interval must be 10ms or more, got " + Durations.format(interval));
    }
    return new DbSettings(
        url.strip(),
        Environment.value(env, "DB_USER"),
        Environment.value(env, "DB_PASSWORD"),
        query,
        interval);
  }

  /** The URL as it may be printed. */
  public String maskedUrl() {
    return JdbcUrls.mask(url);
  }

  @Override
  public String toString() {
    return "DbSettings[url="
        + maskedUrl()
        + ", user="
        + user
        + ", password="
        + (password == null ? null : "****")
        + ", query="
        + query
        + ", interval="
        + Durations.format(interval)
        + "]";
  }
}
