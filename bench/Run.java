package bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One measured run of a tool: what the harness, GNU time, the server and the probe saw. */
final class Run {
  private static final Pattern DURATION = Pattern.compile("\"durationMs\"\\s*:\\s*(\\d+)");
  private static final Pattern DELETED = Pattern.compile("\"keysDeleted\"\\s*:\\s*(\\d+)");
  private static final Pattern SCANNED = Pattern.compile("\"keysScanned\"\\s*:\\s*(\\d+)");
  private static final Pattern VERIFICATION = Pattern.compile("\"verification\"\\s*:\\s*\\{");
  private static final Pattern OUTCOME = Pattern.compile("\"outcome\"\\s*:\\s*\"(\\w+)\"");

  String tool;
  int index;

  /** The tool runs inside the server (the ceiling's EVAL). */
  boolean serverSide;

  boolean ok = true;
  String problem = "";
  double wallS;
  double reportMs = Double.NaN;
  long deleted = -1;

  /** keysScanned of the report(s): the keys the scan read (the first pass; not the verification's). */
  long scanned = -1;

  /** keysScanned of the verification pass (0 with --no-verify). */
  long verifyScanned;

  double userS;
  double sysS;
  long maxRssKb;
  int exit;
  double serverCpuS;
  double serverMainCpuS;
  Map<String, long[]> cmdstats = new TreeMap<>();
  Lat lat;
  long slowCount;
  double slowWorstMs;
  String slowWorstCmd = "";

  /** Server time in the tool's own commands: the EVAL if there is one (it contains the rest), else SCAN + UNLINK. */
  double commandSeconds() {
    long[] eval = cmdstats.get("eval");
    if (serverSide) {
      return eval == null ? 0 : eval[1] / 1e6;
    }
    long us = 0;
    for (String c : List.of("scan", "unlink")) {
      long[] v = cmdstats.get(c);
      us += v == null ? 0 : v[1];
    }
    return us / 1e6;
  }

  double calls(String cmd) {
    long[] v = cmdstats.get(cmd);
    return v == null ? 0 : v[0];
  }

  /** Reads what the tool printed: cacheflush's JSON report(s) (summed: per-pattern runs print one each), or the EVAL's count. */
  void readOutput(String stdout) {
    if (stdout.contains("\"durationMs\"")) {
      Matcher d = DURATION.matcher(stdout);
      double sum = 0;
      int n = 0;
      while (d.find()) {
        sum += Double.parseDouble(d.group(1));
        n++;
      }
      reportMs = n > 0 ? sum : Double.NaN;
      Matcher k = DELETED.matcher(stdout);
      long del = 0;
      while (k.find()) {
        del += Long.parseLong(k.group(1));
      }
      deleted = n > 0 ? del : -1;
      // keysScanned is in the report and in its verification object: the first is the flush's.
      Matcher sc = SCANNED.matcher(stdout);
      Matcher v = VERIFICATION.matcher(stdout);
      long scan = 0;
      long verified = 0;
      boolean any = false;
      int from = 0;
      while (sc.find()) {
        long keys = Long.parseLong(sc.group(1));
        boolean inVerification = false;
        if (v.find(from) && v.end() <= sc.start()) {
          inVerification = true;
          from = sc.end();
        }
        if (inVerification) {
          verified += keys;
        } else {
          scan += keys;
          any = true;
        }
      }
      scanned = any ? scan : -1;
      verifyScanned = verified;
      Matcher o = OUTCOME.matcher(stdout);
      while (o.find()) {
        if (!o.group(1).equals("completed")) {
          invalid("outcome " + o.group(1));
        }
      }
    } else if (serverSide) {
      // One count per EVAL (the cluster's ceilings print one line per shard): their sum.
      long sum = 0;
      for (String line : stdout.trim().split("\n")) {
        String s = line.trim().replaceAll("^\\(integer\\)\\s*", "");
        if (!s.matches("\\d+")) {
          sum = -1;
          break;
        }
        sum += Long.parseLong(s);
      }
      deleted = sum;
    }
  }

  void invalid(String why) {
    ok = false;
    problem += " " + why + ";";
  }
}
