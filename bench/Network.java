package bench;

import static bench.Stats.fmtMs;
import static bench.Stats.median;
import static bench.Stats.medianOf;
import static bench.Stats.medianWall;
import static bench.Stats.ratio;
import static bench.Stats.spread;
import static bench.Stats.verdict;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * cacheflush at network distance (issue 15): the same W1 flush straight to the server and through
 * {@link DelayProxy} at +0 and at each added round trip, in interleaved rounds, each run from a
 * fresh fill. The runs through the proxy at +0 are the baseline of the delayed ones (so the relay's
 * own cost is in both sides of the ratio); the direct runs measure that cost.
 */
final class Network implements AutoCloseable {
  static final String DIRECT = "direct";

  private final BenchOptions options;
  private final RedisUnderTest redis;
  private final Tools tools;
  private final Runner runner;
  private final PrintStream out;
  private final Workload w;

  /** Path name ("direct", "+0 ms", "+1 ms", ...) to its proxy (none for direct). */
  private final Map<String, DelayProxy> proxies = new LinkedHashMap<>();

  private final Map<String, List<Run>> runs = new LinkedHashMap<>();
  private final Map<String, List<Double>> proxyCpu = new LinkedHashMap<>();
  private final Map<String, double[]> rtt = new LinkedHashMap<>();

  Network(
      BenchOptions options,
      RedisUnderTest redis,
      Tools tools,
      Runner runner,
      PrintStream out,
      Workload w) {
    this.options = options;
    this.redis = redis;
    this.tools = tools;
    this.runner = runner;
    this.out = out;
    this.w = w;
  }

  static String name(double rttMs) {
    return "+" + Stats.trim(rttMs) + " ms";
  }

  /** The zero-delay proxy path, the baseline of every delayed one. */
  static final String ZERO = name(0);

  void run() throws Exception {
    List<String> paths = new ArrayList<>(List.of(DIRECT, ZERO));
    proxies.put(DIRECT, null);
    InetSocketAddress target = new InetSocketAddress("127.0.0.1", redis.port);
    proxies.put(ZERO, DelayProxy.start(0, target, 0));
    for (double d : options.netDelaysMs) {
      if (d > 0) {
        // Half the round trip each way.
        proxies.put(name(d), DelayProxy.start(0, target, Math.round(d * 1e6 / 2)));
        paths.add(name(d));
      }
    }
    out.println(
        "== network: cacheflush --no-verify on "
            + w.name()
            + " straight to the server and through bench/DelayProxy (in the harness's JVM; each chunk"
            + " held rtt/2 each way, order kept), "
            + options.netRuns
            + " interleaved rounds of: "
            + String.join(", ", paths)
            + "; each from a fresh fill, no probe");
    rttCheck();
    for (String p : paths) {
      runs.put(p, new ArrayList<>());
      proxyCpu.put(p, new ArrayList<>());
    }
    for (int r = 1; r <= options.netRuns; r++) {
      for (String p : paths) {
        DelayProxy proxy = proxies.get(p);
        String url = proxy == null ? redis.url() : "redis://127.0.0.1:" + proxy.port();
        long cpu0 = proxy == null ? 0 : proxy.relayCpuNanos();
        Run run =
            runner.measure(
                new Run(),
                redis,
                "cacheflush " + (proxy == null ? "direct" : "proxy " + p),
                r,
                w,
                tools.cacheflush(url, false, Workload.FLUSH, List.of()),
                Map.of(),
                false,
                true);
        if (proxy != null) {
          if (!proxy.awaitIdle(5000)) {
            out.println("   (proxy " + p + ": a connection still open 5 s after the run)");
          }
          proxyCpu.get(p).add((proxy.relayCpuNanos() - cpu0) / 1e9);
        }
        runs.get(p).add(run);
      }
    }
  }

  /**
   * PING round trips on one connection, one at a time, on each path: what the proxy adds at +0 and
   * the round trip it actually gives at each delay (a thread's wake-up is late by tens of µs).
   */
  private void rttCheck() throws Exception {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, DelayProxy> e : proxies.entrySet()) {
      int port = e.getValue() == null ? redis.port : e.getValue().port();
      double[] ms = pings(port, e.getValue() == null ? 0 : e.getValue().delayNanosEachWay() / 1e6);
      rtt.put(e.getKey(), ms);
      parts.add(
          String.format(
              Locale.ROOT, "%s %s [p99 %s]", e.getKey(), Lat.fmt(ms[0]) + " ms", Lat.fmt(ms[1])));
    }
    out.println("   PING round trip, median [p99]: " + String.join("; ", parts));
  }

  /** Median and p99 of sequential PINGs, after a warm-up; about a second per path. */
  private static double[] pings(int port, double delayEachWayMs) throws IOException {
    int n = (int) Math.max(50, Math.min(1000, 1000 / Math.max(0.05, 2 * delayEachWayMs + 0.1)));
    try (Resp r = new Resp(port)) {
      for (int i = 0; i < 50 && i < n; i++) {
        r.call("PING");
      }
      double[] t = new double[n];
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        r.call("PING");
        t[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(t);
      return new double[] {t[n / 2], t[(int) Math.min(n - 1, Math.ceil(0.99 * n) - 1)]};
    }
  }

  Table table() {
    Table t =
        new Table(
            "path",
            "n",
            "wall s [min-max]",
            "vs " + ZERO,
            "run ms",
            "PING rtt ms",
            "SCAN",
            "UNLINK",
            "SCAN x added rtt s",
            "server CPU s",
            "busy",
            "client CPU s",
            "relay CPU s");
    double zero = medianWall(ok(ZERO));
    double zeroRtt = rtt.get(ZERO)[0];
    for (String p : runs.keySet()) {
      List<Run> ok = ok(p);
      if (ok.isEmpty()) {
        t.row(p, "0/" + runs.get(p).size(), "all runs failed");
        continue;
      }
      double scans = medianOf(ok, r -> r.calls("scan"));
      double added = rtt.get(p)[0] - zeroRtt;
      t.row(
          p.equals(DIRECT) ? "direct (no proxy)" : "proxy " + p,
          ok.size() == runs.get(p).size()
              ? String.valueOf(ok.size())
              : ok.size() + "/" + runs.get(p).size(),
          spread(ok),
          ratio(medianWall(ok) / zero),
          String.format(Locale.ROOT, "%.0f", medianOf(ok, r -> r.reportMs)),
          Lat.fmt(rtt.get(p)[0]),
          String.format(Locale.ROOT, "%.0f", scans),
          String.format(Locale.ROOT, "%.0f", medianOf(ok, r -> r.calls("unlink"))),
          p.equals(DIRECT) || p.equals(ZERO)
              ? "-"
              : String.format(Locale.ROOT, "%.2f", scans * added / 1000),
          String.format(Locale.ROOT, "%.2f", medianOf(ok, r -> r.serverMainCpuS)),
          String.format(Locale.ROOT, "%.0f%%", 100 * medianOf(ok, r -> r.serverMainCpuS / r.wallS)),
          String.format(Locale.ROOT, "%.2f", medianOf(ok, r -> r.userS + r.sysS)),
          proxyCpu.get(p).isEmpty()
              ? "-"
              : String.format(Locale.ROOT, "%.2f", median(proxyCpu.get(p))));
    }
    return t;
  }

  /** The rows of issue 15's network targets, and the proxy's own cost. */
  void checks(Table t) {
    double zero = medianWall(ok(ZERO));
    double direct = medianWall(ok(DIRECT));
    t.row(
        "delay proxy's own cost: cacheflush "
            + w.name()
            + " through it at +0 / direct (PING rtt "
            + fmtMs(rtt.get(DIRECT)[0])
            + " -> "
            + fmtMs(rtt.get(ZERO)[0])
            + ")",
        ratio(zero / direct) + Stats.paired(runs.get(ZERO), runs.get(DIRECT)),
        "",
        "15",
        "info");
    for (double d : options.netDelaysMs) {
      if (d <= 0) {
        continue;
      }
      String p = name(d);
      double m = medianWall(ok(p));
      // Issue 15's targets are for +1 ms and +10 ms; other delays are shown for information.
      double target = d == 1 ? 1.15 : d == 10 ? 1.5 : Double.NaN;
      t.row(
          "cacheflush "
              + w.name()
              + " at "
              + p
              + " of round trip / at +0 (measured PING rtt "
              + fmtMs(rtt.get(p)[0])
              + ")",
          ratio(m / zero) + Stats.paired(runs.get(p), runs.get(ZERO)),
          Double.isNaN(target) ? "" : "<= " + Stats.trim(target) + "x",
          "15",
          Double.isNaN(target) ? "info" : verdict(m / zero <= target, m, zero));
    }
  }

  private List<Run> ok(String p) {
    return runs.getOrDefault(p, List.of()).stream().filter(r -> r.ok).toList();
  }

  boolean anyInvalid() {
    return runs.values().stream().flatMap(List::stream).anyMatch(r -> !r.ok);
  }

  @Override
  public void close() {
    for (DelayProxy p : proxies.values()) {
      if (p != null) {
        p.close();
      }
    }
  }
}
