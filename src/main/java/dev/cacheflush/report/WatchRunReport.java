package dev.cacheflush.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** What {@code cacheflush watch} writes with --report or --format json; documented in README.md. */
@JsonPropertyOrder({
  "schemaVersion",
  "command",
  "target",
  "mode",
  "outcome",
  "exitCode",
  "message",
  "startedAt",
  "finishedAt",
  "durationMs",
  "watch",
  "database"
})
public record WatchRunReport(
    int schemaVersion,
    String command,
    String target,
    String mode,
    String outcome,
    int exitCode,
    String message,
    String startedAt,
    String finishedAt,
    long durationMs,
    WatchReport watch,
    DatabaseReport database) {

  public static final int SCHEMA_VERSION = 1;
}
