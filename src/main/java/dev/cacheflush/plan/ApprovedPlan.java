package dev.cacheflush.plan;

import dev.cacheflush.config.Durations;
import dev.cacheflush.config.Settings;
import dev.cacheflush.glob.RedisGlob;
import dev.cacheflush.redis.TargetIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * The plan a flush was told to follow ({@code flush --plan}), and the checks that refuse it (exit 4)
 * before anything is deleted: the file unchanged since it was made, the same patterns, not older
 * than {@code --plan-max-age}, the same cache, and a keyspace within {@code --plan-tolerance} of
 * the planned size. While deleting, the plan is a cap: the planned keys plus the tolerance.
 *
 * <p>Drift is checked before deleting on the total only, DBSIZE now against DBSIZE when planned:
 * counting per pattern would take a scan of its own, as long as the flush. So a keyspace that kept
 * its size but changed its make-up passes this check; the cap then stops a flush that finds more
 * keys to delete than were reviewed, and the report's per-pattern counts can be held against the
 * plan's.
 */
public final class ApprovedPlan {
  /** How far in the future a plan's time may be, for the clocks of two machines. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final String path;
  private final PlanFile.Loaded loaded;
  private final Duration maxAge;
  private final PlanTolerance tolerance;

  public ApprovedPlan(
      String path, PlanFile.Loaded loaded, Duration maxAge, PlanTolerance tolerance) {
    this.path = path;
    this.loaded = loaded;
    this.maxAge = maxAge;
    this.tolerance = tolerance;
  }

  /** Reads the plan at {@code file}, shown as {@code path}; exit 2 if it is missing or not a plan. */
  public static ApprovedPlan load(
      Path file, String path, Duration maxAge, PlanTolerance tolerance) {
    return new ApprovedPlan(path, PlanFile.read(file, "--plan"), maxAge, tolerance);
  }

  public Plan plan() {
    return loaded.plan();
  }

  public String path() {
    return path;
  }

  /** The digest the file states: the one a reviewer approved. */
  public String digest() {
    return loaded.statedDigest();
  }

  /** The most keys the flush deletes: the planned ones and the tolerance. */
  public long cap() {
    long planned = plan().keysMatched();
    return planned + tolerance.allowed(planned);
  }

  /** The cap as --max-keys, unless --max-keys is already lower. */
  public Settings capped(Settings settings) {
    return settings.maxKeys() != null && settings.maxKeys() <= cap()
        ? settings
        : settings.withMaxKeys(cap());
  }

  /** Whether the run's cap is this plan's (and not a lower --max-keys). */
  public boolean capsAt(Long maxKeys) {
    return maxKeys != null && maxKeys == cap();
  }

  /** What the cap message says: the planned count and the tolerance. */
  public String capText() {
    return String.format(
        Locale.ROOT,
        "the plan's cap of %,d keys (%,d planned, --plan-tolerance %s)",
        cap(),
        plan().keysMatched(),
        tolerance);
  }

  /** Why the plan is refused before connecting (edited, other patterns, too old), or null. */
  public String refusal(Settings settings, Instant now) {
    if (!loaded.intact()) {
      return "The plan "
          + path
          + " was changed after it was made: it states digest "
          + loaded.statedDigest()
          + ", its content has "
          + loaded.contentDigest()
          + "; make a new plan with 'cacheflush plan --out' and have it approved";
    }
    List<String> flush = settings.flushPatterns().stream().map(RedisGlob::pattern).toList();
    List<String> preserve = settings.preservePatterns().stream().map(RedisGlob::pattern).toList();
    if (!flush.equals(plan().flushPatterns()) || !preserve.equals(plan().preservePatterns())) {
      return "The plan "
          + path
          + " was made with --flush "
          + plan().flushPatterns()
          + " --preserve "
          + plan().preservePatterns()
          + ", this flush has --flush "
          + flush
          + " --preserve "
          + preserve
          + ": flush with the plan's patterns, or make a new plan with these";
    }
    Instant created;
    try {
      created = Instant.parse(plan().createdAt());
    } catch (DateTimeParseException e) {
      return "The plan " + path + " has no valid createdAt time: make a new plan";
    }
    Duration age = Duration.between(created, now);
    if (age.compareTo(maxAge) > 0) {
      return "The plan "
          + path
          + " was made "
          + ago(age)
          + " ago ("
          + plan().createdAt()
          + "), longer than --plan-max-age "
          + Durations.format(maxAge)
          + " allows: make a new plan and have it approved";
    }
    if (age.negated().compareTo(CLOCK_SKEW) > 0) {
      return "The plan "
          + path
          + " is dated "
          + plan().createdAt()
          + ", "
          + ago(age.negated())
          + " in the future: check the clocks of this machine and of the one that made it";
    }
    return null;
  }

  /** Why the plan is refused on the cache connected to (another cache, a drifted keyspace), or null. */
  public String refusal(TargetIdentity target, long dbSize) {
    TargetIdentity planned = plan().target();
    if (!planned.sameCache(target)) {
      return "The plan "
          + path
          + " is for another cache: it was made on "
          + planned.describe()
          + ", this is "
          + target.describe()
          + "; point --redis-url at the planned cache, or make a plan of this one";
    }
    long allowed = tolerance.allowed(plan().dbSize());
    if (Math.abs(dbSize - plan().dbSize()) > allowed) {
      return String.format(
          Locale.ROOT,
          "The keyspace has drifted since the plan %s: %,d keys now, %,d when planned, more than the"
              + " %,d --plan-tolerance %s allows; make a new plan (or widen --plan-tolerance)",
          path,
          dbSize,
          plan().dbSize(),
          allowed,
          tolerance);
    }
    return null;
  }

  private static String ago(Duration d) {
    long minutes = d.toMinutes();
    return minutes >= 60
        ? String.format(Locale.ROOT, "%dh %02dm", minutes / 60, minutes % 60)
        : minutes > 0 ? minutes + "m" : d.toSeconds() + "s";
  }
}
