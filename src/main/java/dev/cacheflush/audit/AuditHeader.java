package dev.cacheflush.audit;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The first line of an audit: which run deleted the keys listed below it. It holds no secret: the
 * target is the report's, with the password masked.
 *
 * @param format always {@link #FORMAT}, so that a file is known for an audit before it is read
 * @param formatVersion {@link #FORMAT_VERSION}; a change to the lines' columns bumps it
 * @param tool {@code cacheflush} and its version
 * @param target the Redis URL as the report names it (password {@code ****})
 * @param mode standalone, cluster or sentinel, as found on connecting
 * @param startedAt the run's start, as the report's {@code startedAt}
 * @param planDigest the digest of the approved plan the flush executed; null without one
 * @param columns what each key line holds, tab-separated
 */
@JsonPropertyOrder({
  "format",
  "formatVersion",
  "tool",
  "target",
  "mode",
  "flushPatterns",
  "preservePatterns",
  "startedAt",
  "planDigest",
  "columns"
})
public record AuditHeader(
    String format,
    int formatVersion,
    String tool,
    String target,
    String mode,
    List<String> flushPatterns,
    List<String> preservePatterns,
    String startedAt,
    String planDigest,
    List<String> columns) {

  public static final String FORMAT = "cacheflush-audit";
  public static final int FORMAT_VERSION = 1;
  public static final List<String> COLUMNS = List.of("key", "pattern", "shard");

  public static AuditHeader of(
      String target,
      String mode,
      List<String> flushPatterns,
      List<String> preservePatterns,
      String startedAt,
      String planDigest) {
    String version = AuditHeader.class.getPackage().getImplementationVersion();
    return new AuditHeader(
        FORMAT,
        FORMAT_VERSION,
        "cacheflush " + (version == null ? "(development build)" : version),
        target,
        mode,
        List.copyOf(flushPatterns),
        List.copyOf(preservePatterns),
        startedAt,
        planDigest,
        COLUMNS);
  }
}
