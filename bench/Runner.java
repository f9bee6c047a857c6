package bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the tools: a measured run from a fresh fill (wall time, GNU time, the server's counters, the
 * probe, the result checked), and the plain runs around it (JVM start, fixed cost, the probe alone).
 */
final class Runner {
  private static final Pattern DURATION = Pattern.compile("\"durationMs\"\\s*:\\s*(\\d+)");
  private static final Pattern MORE_ARGUMENTS = Pattern.compile("\\((\\d+) more arguments\\)");
  private static final Pattern CALLS = Pattern.compile("calls=(\\d+),usec=(\\d+)");

  private final BenchOptions options;
  private final RedisUnderTest redis;
  private final Probe probe;
  private final PrintStream out;

  /** The tool running now, killed if the harness is stopped. */
  private volatile Process current;

  Runner(BenchOptions options, RedisUnderTest redis, Probe probe, PrintStream out) {
    this.options = options;
    this.redis = redis;
    this.probe = probe;
    this.out = out;
  }

  /** The probe for the baseline's length, with no flush running. */
  Lat probeAlone() throws Exception {
    probe.begin();
    Thread.sleep((long) (options.baselineSeconds * 1000));
    return probe.end();
  }

  Run measure(
      String tool,
      int index,
      Workload w,
      List<String> cmd,
      Map<String, String> env,
      boolean withProbe)
      throws Exception {
    return measure(tool, index, w, cmd, env, withProbe, true);
  }

  /** @param refill false when {@code w} was filled just before and nothing has changed it since */
  Run measure(
      String tool,
      int index,
      Workload w,
      List<String> cmd,
      Map<String, String> env,
      boolean withProbe,
      boolean refill)
      throws Exception {
    Run run = new Run();
    run.serverSide = cmd.contains("--eval");
    return measure(run, redis, tool, index, w, cmd, env, withProbe, refill);
  }

  /**
   * A measured run against {@code servers} (the probe, if asked, always watches the standalone
   * server). {@code run} may come with {@link Run#serverSide} set.
   */
  Run measure(
      Run run,
      Servers servers,
      String tool,
      int index,
      Workload w,
      List<String> cmd,
      Map<String, String> env,
      boolean withProbe,
      boolean refill)
      throws Exception {
    run.tool = tool;
    run.index = index;
    double fillS = refill ? servers.fill(w) : 0;
    String load = Machine.loadAvg();
    if (withProbe) {
      probe.begin();
    }
    servers.resetStats();
    List<Map<String, String>> cpu0 = servers.infos("cpu");
    Process p = timed(run, cmd, env);
    run.lat = withProbe ? probe.end() : null;
    serverCounters(run, servers, cpu0);
    toolOutput(run, p);
    check(run, servers, w);
    print(run, fillS, load);
    return run;
  }

  /** Runs the tool under GNU time, timed by the harness's own clock around the whole process. */
  private Process timed(Run run, List<String> cmd, Map<String, String> env) throws Exception {
    List<String> full =
        new ArrayList<>(
            List.of("/usr/bin/time", "-o", timeFile().toString(), "-f", "%e %U %S %M %x"));
    full.addAll(cmd);
    ProcessBuilder pb =
        processBuilder(full, env)
            .redirectOutput(stdout().toFile())
            .redirectError(stderr().toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    current = p;
    boolean done = p.waitFor(options.runTimeoutSeconds, TimeUnit.SECONDS);
    long t1 = System.nanoTime();
    if (!done) {
      kill(p);
      run.invalid("did not finish in " + options.runTimeoutSeconds + " s");
    }
    current = null;
    run.wallS = (t1 - t0) / 1e9;
    return p;
  }

  /** What GNU time and the tool itself said about the run. */
  private void toolOutput(Run run, Process p) throws IOException {
    String[] time =
        Files.exists(timeFile())
            ? lastLine(Files.readString(timeFile())).trim().split("\\s+")
            : new String[0];
    if (time.length >= 5) {
      run.userS = Double.parseDouble(time[1]);
      run.sysS = Double.parseDouble(time[2]);
      run.maxRssKb = Long.parseLong(time[3]);
      run.exit = Integer.parseInt(time[4]);
    } else if (!p.isAlive()) {
      run.exit = p.exitValue();
    }
    String so = Files.readString(stdout());
    String se = Files.readString(stderr());
    run.readOutput(so);
    if (run.exit != 0 && run.ok) {
      run.invalid("exit " + run.exit + ": " + lastLine(se.isBlank() ? so : se).trim());
    }
  }

  private Path timeFile() {
    return options.work.resolve("time.txt");
  }

  private Path stdout() {
    return options.work.resolve("stdout.txt");
  }

  private Path stderr() {
    return options.work.resolve("stderr.txt");
  }

  /** The servers' CPU, their per-command stats and their slow logs over the run (summed). */
  private void serverCounters(Run run, Servers servers, List<Map<String, String>> cpu0)
      throws IOException {
    List<Map<String, String>> cpu1 = servers.infos("cpu");
    for (int i = 0; i < cpu1.size(); i++) {
      run.serverCpuS += cpuDelta(cpu0.get(i), cpu1.get(i), "used_cpu_user", "used_cpu_sys");
      run.serverMainCpuS +=
          cpuDelta(
              cpu0.get(i), cpu1.get(i), "used_cpu_user_main_thread", "used_cpu_sys_main_thread");
    }
    for (Map<String, String> stats : servers.infos("commandstats")) {
      for (Map.Entry<String, String> e : stats.entrySet()) {
        Matcher m = CALLS.matcher(e.getValue());
        if (m.find()) {
          long[] v = {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
          run.cmdstats.merge(
              e.getKey().replace("cmdstat_", ""),
              v,
              (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        }
      }
    }
    slowlog(run, servers);
  }

  /** A run counts only if exactly the flushable keys are gone, as many as it says, and the probe's key stayed. */
  private void check(Run run, Servers servers, Workload w) throws IOException {
    String wrong = servers.verify(w);
    if (wrong != null) {
      run.invalid("WRONG RESULT: " + wrong);
    }
    if (run.deleted >= 0 && run.deleted != w.flushTotal() && run.ok) {
      run.invalid("reported " + run.deleted + " keys deleted, expected " + w.flushTotal());
    }
    if (run.lat != null && run.lat.missing > 0) {
      run.invalid("the probe's preserved key went missing " + run.lat.missing + " times");
    }
  }

  private void print(Run run, double fillS, String load) {
    out.printf(
        Locale.ROOT,
        "   %-28s #%d  fill %4.1f s | wall %6.2f s%s | server CPU %5.2f s | client CPU %5.2f s"
            + " RSS %s | SCAN %.0f UNLINK %.0f | slowlog>1ms %d%s | %s%s%s | load %s | %s%n",
        run.tool,
        run.index,
        fillS,
        run.wallS,
        Double.isNaN(run.reportMs)
            ? ""
            : String.format(Locale.ROOT, " (run %5.0f ms)", run.reportMs),
        run.serverMainCpuS,
        run.userS + run.sysS,
        Stats.fmtMb(run.maxRssKb),
        run.calls("scan"),
        run.calls("unlink"),
        run.slowCount,
        run.slowCount == 0
            ? ""
            : String.format(Locale.ROOT, " (worst %.1f ms %s)", run.slowWorstMs, run.slowWorstCmd),
        run.lat == null
            ? "no probe"
            : String.format(Locale.ROOT, "probe %,d GETs %s", run.lat.count, run.lat.short4()),
        run.lat != null && run.lat.max > 2
            ? String.format(Locale.ROOT, " (max at %.2f s)", run.lat.maxAt)
            : "",
        run.lat != null && run.lat.errors > 0 ? " (" + run.lat.errors + " errors)" : "",
        load,
        run.ok ? "OK" : "INVALID:" + run.problem);
  }

  /** Commands the server itself took over 1 ms to run during the tool's run (SLOWLOG). */
  private void slowlog(Run run, Servers servers) throws IOException {
    for (Object o : servers.slowlog()) {
      List<?> e = (List<?>) o;
      List<?> argv = (List<?>) e.get(3);
      String cmd = String.valueOf(argv.get(0)).toUpperCase(Locale.ROOT);
      if (cmd.equals("INFO") || cmd.equals("CONFIG") || cmd.equals("SLOWLOG")) {
        continue;
      }
      run.slowCount++;
      double ms = (Long) e.get(2) / 1000.0;
      if (ms > run.slowWorstMs) {
        run.slowWorstMs = ms;
        // SLOWLOG keeps 32 arguments at most; the last then says how many more there were.
        int args = argv.size() - 1;
        Matcher more = MORE_ARGUMENTS.matcher(String.valueOf(argv.get(argv.size() - 1)));
        if (more.find()) {
          args = argv.size() - 2 + Integer.parseInt(more.group(1));
        }
        run.slowWorstCmd = cmd + (args > 0 ? " (" + args + " args)" : "");
      }
    }
  }

  private static double cpuDelta(Map<String, String> a, Map<String, String> b, String... keys) {
    double d = 0;
    for (String k : keys) {
      d += Double.parseDouble(b.getOrDefault(k, "0")) - Double.parseDouble(a.getOrDefault(k, "0"));
    }
    return d;
  }

  /**
   * Wall time, the report's durationMs and the client CPU (user + sys, GNU time) of a flush of the
   * (empty) database: what every run pays whatever the key count, JVM start included.
   */
  double[] fixedCost(List<String> flush, Map<String, String> env) throws Exception {
    Path cpu = options.work.resolve("fixed-time.txt");
    List<String> full =
        new ArrayList<>(List.of("/usr/bin/time", "-o", cpu.toString(), "-f", "%U %S"));
    full.addAll(flush);
    long t0 = System.nanoTime();
    Exec e = exec(full, env, 600);
    long t1 = System.nanoTime();
    Matcher d = DURATION.matcher(e.stdout());
    if (e.exit() != 0 || !d.find()) {
      throw new IllegalStateException(
          "cacheflush on an empty database failed (exit " + e.exit() + "): " + e.stderr());
    }
    String[] us = lastLine(Files.readString(cpu)).trim().split("\\s+");
    return new double[] {
      (t1 - t0) / 1e9,
      Double.parseDouble(d.group(1)),
      Double.parseDouble(us[0]) + Double.parseDouble(us[1])
    };
  }

  /** Wall time of a command, nothing else (for the JVM start). */
  double timeOnly(List<String> cmd, Map<String, String> env) throws Exception {
    long t0 = System.nanoTime();
    Exec e = exec(cmd, env, 600);
    long t1 = System.nanoTime();
    if (e.exit() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + e.stderr());
    }
    return (t1 - t0) / 1e9;
  }

  record Exec(int exit, String stdout, String stderr) {}

  Exec exec(List<String> cmd, Map<String, String> env, long timeoutS) throws Exception {
    Path o = Files.createTempFile(options.work, "out", ".txt");
    Path e = Files.createTempFile(options.work, "err", ".txt");
    Process p =
        processBuilder(cmd, env).redirectOutput(o.toFile()).redirectError(e.toFile()).start();
    current = p;
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      kill(p);
    }
    current = null;
    Exec r = new Exec(p.waitFor(), Files.readString(o), Files.readString(e));
    Files.delete(o);
    Files.delete(e);
    return r;
  }

  /** In the work directory, no input, CACHEFLUSH_JAVA_OPTS from --java-opts with {@code env}'s appended. */
  private ProcessBuilder processBuilder(List<String> cmd, Map<String, String> env) {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(options.work.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("CACHEFLUSH_JAVA_OPTS", options.javaOpts);
    if (env != null) {
      env.forEach((k, val) -> pb.environment().merge(k, val, (a, b) -> (a + " " + b).trim()));
    }
    return pb;
  }

  /** Kills the tool running now, if any (the harness is being stopped). */
  void stop() {
    Process c = current;
    if (c != null) {
      kill(c);
    }
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static String lastLine(String s) {
    String[] l = s.strip().split("\n", -1);
    return l[l.length - 1];
  }
}
