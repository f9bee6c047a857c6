package dev.cacheflush.plan;

import dev.cacheflush.config.ConfigException;
import java.util.Locale;

/**
 * How far a count may move between the plan and the flush: a share of the planned count, a number
 * of keys, or the larger of both ({@code 10%,100}). A live cache adds and expires keys between a
 * review and its flush; a tolerance of {@code 0} demands the very same count.
 *
 * @param percent a share of the planned count, in percent
 * @param keys a number of keys, whatever the planned count
 */
public record PlanTolerance(double percent, long keys) {
  /** The default: 10 % of the planned count, and at least 100 keys for a small cache. */
  public static final String DEFAULT = "10%,100";

  /** Parses {@code P%}, {@code N} or {@code P%,N}; throws a {@link ConfigException} naming the option. */
  public static PlanTolerance parse(String text, String option) {
    String bad =
        "Invalid "
            + option
            + " '"
            + text
            + "': give a share of the planned count (10%), a number of keys (500), or both (10%,500)";
    double percent = 0;
    long keys = 0;
    boolean havePercent = false;
    boolean haveKeys = false;
    for (String part : text.trim().split("\\s*,\\s*", -1)) {
      try {
        if (part.endsWith("%") && !havePercent) {
          percent = Double.parseDouble(part.substring(0, part.length() - 1));
          havePercent = true;
          if (!(percent >= 0 && percent <= 1000)) {
            throw new ConfigException(bad);
          }
        } else if (part.matches("\\d+") && !haveKeys) {
          keys = Long.parseLong(part);
          haveKeys = true;
        } else {
          throw new ConfigException(bad);
        }
      } catch (NumberFormatException e) {
        throw new ConfigException(bad, e);
      }
    }
    return new PlanTolerance(percent, keys);
  }

  /** How many keys more or fewer than {@code planned} are accepted. */
  public long allowed(long planned) {
    return Math.max(keys, (long) Math.ceil(planned * percent / 100));
  }

  @Override
  public String toString() {
    String share =
        percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent);
    return percent > 0 && keys > 0
        ? share + "%," + keys
        : percent > 0 ? share + "%" : String.format(Locale.ROOT, "%d", keys);
  }
}
