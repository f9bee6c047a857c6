package bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where cacheflush's client CPU goes: one more run with Java Flight Recorder on (settings=profile,
 * a stack sample every 1 ms per running thread), summarised from {@code jfr print}: samples per
 * thread, the hottest methods (the frame on top of the stack) and packages, the nearest frame of
 * cacheflush's own code under each sample, and the time in GC pauses. Not a timed run: the
 * recorder costs a little itself.
 */
final class Profile {
  private static final Pattern THREAD = Pattern.compile("sampledThread = \"([^\"]*)\"");
  private static final Pattern DURATION = Pattern.compile("^\\s*duration = ([0-9.]+) (ms|s|us|ns)");

  private final BenchOptions options;
  private final Runner runner;
  private final PrintStream out;

  Profile(BenchOptions options, Runner runner, PrintStream out) {
    this.options = options;
    this.runner = runner;
    this.out = out;
  }

  /** A measured run of {@code cmd} on {@code servers} under JFR, then its summary printed. */
  Run run(String label, Servers servers, Workload w, List<String> cmd) throws Exception {
    Path jfr = options.work.resolve("profile-" + label.replaceAll("\\W+", "-") + ".jfr");
    Files.deleteIfExists(jfr);
    Run run =
        runner.measure(
            new Run(),
            servers,
            label + " (JFR)",
            1,
            w,
            cmd,
            Map.of(
                "CACHEFLUSH_JAVA_OPTS",
                "-XX:StartFlightRecording=filename="
                    + jfr
                    + ",settings=profile,jdk.ExecutionSample#period=1ms"),
            false,
            true);
    if (!Files.exists(jfr)) {
      out.println("   no recording was written; profile skipped");
      return run;
    }
    summarise(label, jfr);
    return run;
  }

  private void summarise(String label, Path jfr) throws Exception {
    Path text = options.work.resolve("profile.txt");
    Process p =
        new ProcessBuilder(
                "jfr",
                "print",
                "--stack-depth",
                "64",
                "--events",
                "jdk.ExecutionSample,jdk.GarbageCollection",
                jfr.toString())
            .redirectOutput(text.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      out.println("   jfr print failed; the recording is " + jfr);
      return;
    }
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Integer> methods = new HashMap<>();
    Map<String, Integer> packages = new HashMap<>();
    Map<String, Integer> own = new HashMap<>();
    int samples = 0;
    double gcMs = 0;
    String event = "";
    boolean wantTop = false;
    boolean inStack = false;
    boolean ownSeen = false;
    try (BufferedReader r = Files.newBufferedReader(text, StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String t = line.trim();
        if (t.endsWith("{") && t.startsWith("jdk.")) {
          event = t.substring(0, t.indexOf(' ') < 0 ? t.length() - 1 : t.indexOf(' '));
          continue;
        }
        if (event.equals("jdk.ExecutionSample")) {
          Matcher m = THREAD.matcher(t);
          if (m.find()) {
            threads.merge(threadGroup(m.group(1)), 1, Integer::sum);
            samples++;
          } else if (t.startsWith("stackTrace = [")) {
            wantTop = true;
            inStack = true;
            ownSeen = false;
          } else if (inStack && t.equals("]")) {
            inStack = false;
            if (!ownSeen) {
              own.merge("(no cacheflush frame: JVM start, Netty/Lettuce I/O)", 1, Integer::sum);
            }
          } else if (inStack && !t.isEmpty()) {
            String method = t.replaceAll("\\s+line:.*$", "");
            if (wantTop) {
              wantTop = false;
              methods.merge(method, 1, Integer::sum);
              packages.merge(packageOf(method), 1, Integer::sum);
            }
            if (!ownSeen && method.startsWith("dev.cacheflush.")) {
              ownSeen = true;
              own.merge(method, 1, Integer::sum);
            }
          }
        } else if (event.equals("jdk.GarbageCollection")) {
          Matcher d = DURATION.matcher(line);
          if (d.find()) {
            gcMs += toMs(Double.parseDouble(d.group(1)), d.group(2));
          }
        }
      }
    }
    out.printf(
        Locale.ROOT,
        "   profile of %s: %,d stack samples (every 1 ms of a running Java thread; GC and JIT"
            + " threads are not sampled); GC pauses %.0f ms in all%n",
        label,
        samples,
        gcMs);
    out.println("   samples by thread: " + top(threads, 8, samples));
    out.println("   hottest packages (top frame): " + top(packages, 10, samples));
    out.println("   hottest methods (top frame):");
    for (Map.Entry<String, Integer> e : sorted(methods, 15)) {
      out.printf(
          Locale.ROOT,
          "     %5.1f%%  %s%n",
          100.0 * e.getValue() / Math.max(1, samples),
          e.getKey());
    }
    out.println("   nearest cacheflush frame (the project's code each sample is under):");
    for (Map.Entry<String, Integer> e : sorted(own, 12)) {
      out.printf(
          Locale.ROOT,
          "     %5.1f%%  %s%n",
          100.0 * e.getValue() / Math.max(1, samples),
          e.getKey());
    }
    out.println("   (the recording: " + jfr + ", while the work directory is kept)");
  }

  /** Thread names without their numbers, so a pool's threads add up. */
  private static String threadGroup(String name) {
    return name.replaceAll("-\\d+(-\\d+)?$", "-N").replaceAll("#\\d+", "#N");
  }

  private static String packageOf(String method) {
    // "io.netty.buffer.AbstractByteBuf.readByte()" -> "io.netty.buffer"
    String noArgs = method.replaceAll("\\(.*$", "");
    int cls = noArgs.lastIndexOf('.');
    int pkg = cls > 0 ? noArgs.lastIndexOf('.', cls - 1) : -1;
    return pkg > 0 ? noArgs.substring(0, pkg) : noArgs;
  }

  private static double toMs(double v, String unit) {
    return switch (unit) {
      case "s" -> v * 1000;
      case "us" -> v / 1000;
      case "ns" -> v / 1e6;
      default -> v;
    };
  }

  private static List<Map.Entry<String, Integer>> sorted(Map<String, Integer> m, int n) {
    List<Map.Entry<String, Integer>> l = new ArrayList<>(m.entrySet());
    l.sort((a, b) -> b.getValue() - a.getValue());
    return l.subList(0, Math.min(n, l.size()));
  }

  private static String top(Map<String, Integer> m, int n, int total) {
    Map<String, String> parts = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : sorted(m, n)) {
      parts.put(
          e.getKey(),
          String.format(Locale.ROOT, "%.0f%%", 100.0 * e.getValue() / Math.max(1, total)));
    }
    List<String> s = new ArrayList<>();
    parts.forEach((k, v) -> s.add(k + " " + v));
    return String.join(", ", s);
  }

  static boolean available() {
    try {
      Process p =
          new ProcessBuilder("jfr", "--version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
