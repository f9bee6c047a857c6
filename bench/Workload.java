package bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What is filled before every measured run: key families filled with DEBUG POPULATE, 100-byte values. */
record Workload(String name, Workload.Family[] families) {
  static final List<String> FLUSH = List.of("mocs:*", "gallery:*", "wishlist:*", "albums:*");
  static final List<String> PRESERVE = List.of("sessions:*", "ratelimit:*", "user-profiles:*");

  record Family(String prefix, long count, boolean flush) {}

  /** W1: 2,000,000 keys, 100-byte values; 1,000,000 to flush, 1,000,000 to keep. */
  static final Family[] W1 = {
    new Family("mocs", 400_000, true),
    new Family("gallery", 300_000, true),
    new Family("wishlist", 200_000, true),
    new Family("albums", 100_000, true),
    new Family("sessions", 400_000, false),
    new Family("ratelimit", 300_000, false),
    new Family("user-profiles", 300_000, false),
  };

  /** W1 times {@code scale}, named W1 (or W1xF when scaled). */
  static Workload w1(double scale) {
    return scaled(
        scale == 1.0 ? "W1" : String.format(Locale.ROOT, "W1x%s", Stats.trim(scale)), scale);
  }

  /** The memory run's workload: four times {@link #w1}. */
  static Workload w4(double scale) {
    return scaled(
        scale == 1.0 ? "W4" : String.format(Locale.ROOT, "W4x%s", Stats.trim(scale)), 4 * scale);
  }

  static Workload scaled(String name, double factor) {
    return new Workload(name, W1).times(name, factor);
  }

  /**
   * This workload with {@code factor} times as many keys in every family (rounded), named {@code
   * named}.
   */
  Workload times(String named, double factor) {
    Family[] f = new Family[families.length];
    for (int i = 0; i < families.length; i++) {
      f[i] =
          new Family(
              families[i].prefix(), Math.round(families[i].count() * factor), families[i].flush());
    }
    return new Workload(named, f);
  }

  long total() {
    return Arrays.stream(families).mapToLong(Family::count).sum();
  }

  long flushTotal() {
    return Arrays.stream(families).filter(Family::flush).mapToLong(Family::count).sum();
  }

  long keepTotal() {
    return total() - flushTotal();
  }

  String describe() {
    return String.format(
        Locale.ROOT,
        "%s = %,d keys (%,d to flush, %,d to keep), 100-byte values",
        name,
        total(),
        flushTotal(),
        keepTotal());
  }
}
