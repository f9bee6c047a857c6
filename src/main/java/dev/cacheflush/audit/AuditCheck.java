package dev.cacheflush.audit;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.glob.RedisGlob;
import dev.cacheflush.report.KeyText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an audit after the fact ({@code cacheflush audit-check}): that no listed key matches a
 * preserve pattern (the audit's own, and any the caller adds, such as the current settings'), that
 * each key matches the flush pattern it is listed under, and that the trailer counts the lines
 * there are; and counts the keys per pattern and per shard. Reads the file once, a line at a time.
 */
public final class AuditCheck {
  /** Problems named one by one; beyond these, only counted, so a wrong file does not flood the terminal. */
  static final int PROBLEMS_SHOWN = 20;

  /** Shards an audit can name: far more than a cluster has primaries, few enough to count in memory. */
  static final int MAX_SHARDS = 1_000;

  /** A preserve pattern and where it comes from, for the problem's line. */
  public record Preserve(RedisGlob glob, String source) {}

  /**
   * What the check found.
   *
   * @param perPattern key lines per flush pattern, in the header's order
   * @param perShard key lines per shard, in the order first listed
   * @param problems one line each, as printed; at most {@link #PROBLEMS_SHOWN} and a count of the rest
   * @param preservedKeys key lines that match a preserve pattern
   * @param exitCode 0 clean, 4 a listed key a preserve pattern (or no flush pattern) covers, 2 a
   *     file that is not a consistent audit
   */
  public record Result(
      AuditHeader header,
      AuditTrailer trailer,
      boolean truncated,
      long keys,
      Map<String, Long> perPattern,
      Map<String, Long> perShard,
      List<Preserve> preserve,
      long preservedKeys,
      List<String> problems,
      int exitCode) {

    public boolean complete() {
      return trailer != null && trailer.complete() && !truncated;
    }
  }

  private final List<Preserve> preserve = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private long unshown;
  private boolean unsafe;
  private boolean inconsistent;

  private AuditCheck() {}

  /**
   * @param more preserve patterns to check beyond the audit's own (the current settings'), or none
   * @throws CacheflushException exit 2 when the file cannot be read or is not an audit at all
   */
  public static Result check(Path file, List<RedisGlob> more) {
    return new AuditCheck().run(file, more);
  }

  private Result run(Path file, List<RedisGlob> more) {
    try (AuditReader reader = AuditReader.open(file)) {
      AuditHeader header = reader.header();
      for (String p : header.preservePatterns()) {
        preserve.add(new Preserve(RedisGlob.compile(p), "the audit's"));
      }
      for (RedisGlob p : more) {
        if (!header.preservePatterns().contains(p.pattern())) {
          preserve.add(new Preserve(p, "the current settings'"));
        }
      }
      Map<String, RedisGlob> flush = new LinkedHashMap<>();
      Map<String, Long> perPattern = new LinkedHashMap<>();
      for (String p : header.flushPatterns()) {
        flush.put(p, RedisGlob.compile(p));
        perPattern.put(p, 0L);
      }
      Map<String, Long> perShard = new LinkedHashMap<>();
      long keys = 0;
      long preservedKeys = 0;
      try {
        while (reader.next()) {
          keys++;
          byte[] key = reader.key();
          RedisGlob pattern = flush.get(reader.pattern());
          if (pattern == null) {
            inconsistent(
                "line "
                    + reader.line()
                    + ": pattern '"
                    + reader.pattern()
                    + "' is not one of the audit's flush patterns");
            continue;
          }
          perPattern.merge(reader.pattern(), 1L, Long::sum);
          if (perShard.size() == MAX_SHARDS && !perShard.containsKey(reader.shard())) {
            throw new CacheflushException(
                ExitCode.USAGE,
                "Cannot check " + file + ": it names more than " + MAX_SHARDS + " shards");
          }
          perShard.merge(reader.shard(), 1L, Long::sum);
          if (!pattern.matches(key)) {
            unsafe(
                "line "
                    + reader.line()
                    + ": key "
                    + KeyText.sample(key)
                    + " is listed under flush pattern '"
                    + reader.pattern()
                    + "', which it does not match");
          }
          for (Preserve p : preserve) {
            if (p.glob().matches(key)) {
              preservedKeys++;
              unsafe(
                  "line "
                      + reader.line()
                      + ": key "
                      + KeyText.sample(key)
                      + " matches preserve pattern '"
                      + p.glob().pattern()
                      + "' ("
                      + p.source()
                      + ")");
              break;
            }
          }
        }
      } catch (CacheflushException e) {
        // The keys before the damage were checked, and what they showed still counts.
        if (problems.isEmpty()) {
          throw e;
        }
        inconsistent(e.getMessage());
      }
      AuditTrailer trailer = reader.trailer();
      if (trailer != null && trailer.keys() != keys) {
        inconsistent(
            "the trailer counts "
                + trailer.keys()
                + " key lines and the file has "
                + keys
                + ": lines were added or removed after it was written");
      }
      if (unshown > 0) {
        problems.add("and " + unshown + " more problems like these");
      }
      int exitCode = unsafe ? ExitCode.SAFETY : inconsistent ? ExitCode.USAGE : ExitCode.DONE;
      return new Result(
          header,
          trailer,
          reader.truncated(),
          keys,
          perPattern,
          perShard,
          List.copyOf(preserve),
          preservedKeys,
          List.copyOf(problems),
          exitCode);
    }
  }

  private void unsafe(String problem) {
    unsafe = true;
    add(problem);
  }

  private void inconsistent(String problem) {
    inconsistent = true;
    add(problem);
  }

  private void add(String problem) {
    if (problems.size() < PROBLEMS_SHOWN) {
      problems.add(problem);
    } else {
      unshown++;
    }
  }
}
