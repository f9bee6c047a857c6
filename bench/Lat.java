package bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A latency histogram as the probe reports it (1 us buckets up to 100 ms, exact max), poolable. */
final class Lat {
  static final int BUCKETS = 100_000;
  final long[] hist = new long[BUCKETS + 1];
  long count;
  double max;
  long missing;
  long errors;

  /** When the slowest round trip started, in seconds after the probe's start (listed stalls only). */
  double maxAt = Double.NaN;

  static Lat parse(String json) {
    Lat l = new Lat();
    Matcher st =
        Pattern.compile("\\[([0-9.]+),([0-9.]+)\\]")
            .matcher(json.substring(json.indexOf("\"stalls\"")));
    double worst = -1;
    while (st.find()) {
      double ms = Double.parseDouble(st.group(2));
      if (ms > worst) {
        worst = ms;
        l.maxAt = Double.parseDouble(st.group(1));
      }
    }
    l.max = Double.parseDouble(field(json, "maxMs"));
    l.missing = Long.parseLong(field(json, "missing"));
    l.errors = Long.parseLong(field(json, "errors"));
    Matcher m = Pattern.compile("\"hist\":\"([^\"]*)\"").matcher(json);
    if (m.find() && !m.group(1).isEmpty()) {
      for (String kv : m.group(1).split(",")) {
        String[] p = kv.split(":");
        int i = Math.min(Integer.parseInt(p[0]), BUCKETS);
        long n = Long.parseLong(p[1]);
        l.hist[i] += n;
        l.count += n;
      }
    }
    return l;
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":([-0-9.]+)").matcher(json);
    if (!m.find()) {
      throw new IllegalArgumentException("probe output without " + name + ": " + json);
    }
    return m.group(1);
  }

  void add(Lat o) {
    for (int i = 0; i <= BUCKETS; i++) {
      hist[i] += o.hist[i];
    }
    count += o.count;
    max = Math.max(max, o.max);
    missing += o.missing;
    errors += o.errors;
  }

  double pct(double q) {
    if (count == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * count);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += hist[i];
      if (seen >= rank) {
        return Math.min((i + 1) / 1000.0, max);
      }
    }
    return max;
  }

  String short4() {
    if (count == 0) {
      return "no samples";
    }
    return fmt(pct(0.5)) + "/" + fmt(pct(0.99)) + "/" + fmt(pct(0.999)) + "/" + fmt(max);
  }

  String summary() {
    return String.format(Locale.ROOT, "probe %,d GETs, p50/p99/p99.9/max %s ms", count, short4());
  }

  static String fmt(double ms) {
    if (ms >= 100) {
      return String.format(Locale.ROOT, "%.0f", ms);
    }
    if (ms >= 10) {
      return String.format(Locale.ROOT, "%.1f", ms);
    }
    return String.format(Locale.ROOT, "%.2f", ms);
  }
}
