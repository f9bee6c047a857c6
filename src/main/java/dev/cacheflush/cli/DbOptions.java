package dev.cacheflush.cli;

import dev.cacheflush.config.DbSettings;
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

  DbSettings settings(Map<String, String> env) {
    return DbSettings.resolve(url, query, interval, env);
  }
}
