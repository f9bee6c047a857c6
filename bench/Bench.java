package bench;

import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The cacheflush benchmark (issue 5). Run it through bench/run, which checks the prerequisites,
 * builds the jar, compiles this harness and cleans up; see bench/README.md for what it measures and
 * how. This class starts the server and the probe, runs the comparison or the sweep, and stops
 * everything however the run ends.
 */
public final class Bench {
  private static final String PROBE_KEY = "sessions:1";

  private final BenchOptions options;
  private PrintStream out;
  private RedisUnderTest redis;
  private Probe probe;
  private Runner runner;
  private volatile boolean stopping;
  private volatile boolean finished;

  /** Things the run started beside the server (proxies, a cluster), closed on every exit. */
  private static final java.util.List<AutoCloseable> CLOSE_ON_EXIT =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  static void closeOnExit(AutoCloseable c) {
    CLOSE_ON_EXIT.add(c);
  }

  private Bench(BenchOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    BenchOptions options = new BenchOptions();
    try {
      options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println(BenchOptions.USAGE);
      System.exit(2);
    }
    Bench b = new Bench(options);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  b.stopping = true;
                  if (!b.finished) {
                    System.err.println(
                        "bench: stopped; shutting down its redis-server and the probe");
                  }
                  b.cleanup();
                },
                "cleanup"));
    int code;
    try {
      code = b.run();
    } catch (Exception e) {
      // Ctrl-C reaches the tool being measured too, so its failure may come first: wait for the
      // hook.
      Thread.sleep(300);
      if (b.stopping) {
        return;
      }
      System.err.println("bench: failed: " + e);
      e.printStackTrace();
      code = 1;
    }
    b.finished = true;
    b.cleanup();
    System.exit(code);
  }

  private int run() throws Exception {
    Path root = options.root;
    Files.createDirectories(root.resolve("target/bench"));
    String stamp =
        ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path log =
        root.resolve("target/bench/" + (options.sweep ? "sweep-" : "bench-") + stamp + ".txt");
    out =
        new PrintStream(
            new Tee(System.out, new FileOutputStream(log.toFile())), true, StandardCharsets.UTF_8);

    redis = RedisUnderTest.start(options.work);
    probe = new Probe(root, options.work, redis.port, PROBE_KEY);
    runner = new Runner(options, redis, probe, out);
    Tools tools = new Tools(options, redis);
    header();
    int code =
        options.sweep
            ? new Sweep(options, tools, runner, out).run()
            : new Comparison(options, redis, tools, runner, out).run();
    out.println();
    out.println("load average at the end: " + Machine.loadAvg());
    out.println("output saved in " + root.relativize(log));
    return code;
  }

  private void header() throws Exception {
    Map<String, String> server = redis.info("server");
    out.println(
        "cacheflush benchmark"
            + (options.sweep ? " sweep" : "")
            + (options.quick ? " (--quick)" : "")
            + ", "
            + ZonedDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
    out.println(
        "machine: "
            + Runtime.getRuntime().availableProcessors()
            + " CPUs ("
            + Machine.cpuModel()
            + "), "
            + Machine.memTotal()
            + " RAM, Linux "
            + Machine.read("/proc/sys/kernel/osrelease").trim());
    out.println(
        "redis "
            + server.get("redis_version")
            + " ("
            + redis.info("memory").get("mem_allocator")
            + "), java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")");
    out.println(
        "cacheflush: "
            + options.launcher
            + (options.cacheflushArgs.isEmpty()
                ? ""
                : " + " + String.join(" ", options.cacheflushArgs))
            + (options.javaOpts.isEmpty()
                ? ""
                : " with CACHEFLUSH_JAVA_OPTS=\"" + options.javaOpts + "\"")
            + "  ("
            + cacheflushVersion()
            + ")");
    out.println(
        "load average at the start: "
            + Machine.loadAvg()
            + "   (2 busy cores = 2.00; above that, numbers are noisy)");
    out.println(
        "redis-server on 127.0.0.1:"
            + redis.port
            + ", no persistence; probe: GET "
            + PROBE_KEY
            + " in a tight loop, one connection, one request outstanding");
  }

  private String cacheflushVersion() throws Exception {
    Runner.Exec e = runner.exec(List.of(options.launcher, "--version"), null, 600);
    return e.exit() == 0
        ? e.stdout().trim().replace('\n', ' ')
        : "--version failed: " + e.stderr().trim();
  }

  private void cleanup() {
    if (runner != null) {
      runner.stop();
    }
    for (AutoCloseable c : CLOSE_ON_EXIT) {
      try {
        c.close();
      } catch (Exception e) {
        // closing on the way out: nothing more to do
      }
    }
    if (probe != null) {
      probe.quit();
      probe = null;
    }
    if (redis != null) {
      redis.shutdown();
    }
  }
}
