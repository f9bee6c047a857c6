package dev.cacheflush.cli;

import dev.cacheflush.config.DbSettings;
import dev.cacheflush.config.PacingSettings;
import dev.cacheflush.config.SettingsLayer;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** The optional database latency probe. */
public final class DbOptions {
  @Option(
      names = "--db-url",
      paramLabel = "JDBC_URL",
      description =
          "Probe this database's latency (jdbc:postgresql://, jdbc:mysql://, jdbc:mariadb://). Credentials "
              + "from $DB_USER/$DB_PASSWORD or the URL; never printed.")
  String url;

  @Option(
      names = "--db-query",
      paramLabel = "SQL",
      description = "The query to time, run read-only. Default: " + DbSettings.DEFAULT_QUERY + ".")
  String query;

  @Option(
      names = "--db-interval",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Time between two probe queries. Default: " + DbSettings.INTERVAL + ".")
  Duration interval;

  /** Sets what these flags say on the flags' layer; the URL is a flag only, as it may hold a password. */
  SettingsLayer.Builder applyTo(SettingsLayer.Builder flags) {
    return flags.dbQuery(query).dbInterval(interval);
  }

  /**
   * @param merged all sources merged: the file's dbQuery and dbInterval apply to a probe that
   *     --db-url asks for, and ask for none themselves
   * @param paced whether --db-max-latency paces the flush on the probe: then it probes every {@link
   *     PacingSettings#DB_INTERVAL} unless an interval is given, so each decision has answers to go
   *     by
   */
  DbSettings settings(Map<String, String> env, SettingsLayer merged, boolean paced) {
    Duration interval =
        merged.dbInterval() == null && paced
            ? PacingSettings.DEFAULT_DB_INTERVAL
            : merged.dbInterval();
    return url == null
        ? DbSettings.resolve(null, query, this.interval, env)
        : DbSettings.resolve(url, merged.dbQuery(), interval, env);
  }
}
