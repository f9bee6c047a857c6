package bench;

import java.util.ArrayList;
import java.util.List;

/** The command lines of the tools that are measured, against the server under test. */
final class Tools {
  private final BenchOptions options;
  private final RedisUnderTest redis;

  Tools(BenchOptions options, RedisUnderTest redis) {
    this.options = options;
    this.redis = redis;
  }

  List<String> cacheflush(List<String> flush, List<String> extra) {
    return cacheflush(redis.url(), false, flush, extra);
  }

  /**
   * cacheflush against {@code url} (the server, a delay proxy in front of it, or a cluster node),
   * with the verification pass ({@code verify}, the default in real use) or {@code --no-verify}.
   */
  List<String> cacheflush(String url, boolean verify, List<String> flush, List<String> extra) {
    // The hit-rate windows around a flush are observation, not the flush: left out of what is
    // timed.
    List<String> c =
        new ArrayList<>(
            List.of(
                options.launcher,
                "flush",
                "--yes",
                "--redis-url",
                url,
                verify ? "--verify" : "--no-verify",
                "-q",
                "--sample-window",
                "0",
                "--format",
                "json",
                "--timeout",
                "30m"));
    for (String f : flush) {
      c.add("--flush=" + f);
    }
    for (String p : Workload.PRESERVE) {
      c.add("--preserve=" + p);
    }
    c.addAll(options.cacheflushArgs);
    c.addAll(extra);
    return c;
  }

  /** The per-pattern strategy: one cacheflush run per flush pattern, one after the other. */
  List<String> perPattern() {
    List<String> c =
        new ArrayList<>(
            List.of(
                "bash",
                "-c",
                "set -e; for p in \"${@:2}\"; do \"$1\" flush --yes --redis-url "
                    + redis.url()
                    + " --no-verify -q --sample-window 0"
                    + " --format json"
                    + " --timeout 30m --flush=\"$p\" "
                    + String.join(
                        " ", Workload.PRESERVE.stream().map(p -> "--preserve='" + p + "'").toList())
                    + " "
                    + String.join(" ", options.cacheflushArgs)
                    + "; done",
                "per-pattern",
                options.launcher));
    c.addAll(Workload.FLUSH);
    return c;
  }

  List<String> ceiling(String mode, int count) {
    List<String> c =
        new ArrayList<>(
            List.of(
                "redis-cli",
                "-p",
                String.valueOf(redis.port),
                "--eval",
                options.root.resolve("bench/ceiling.lua").toString(),
                ",",
                mode,
                String.valueOf(count),
                String.valueOf(Workload.FLUSH.size())));
    c.addAll(Workload.FLUSH);
    c.addAll(Workload.PRESERVE);
    return c;
  }

  /**
   * The ceiling of a cluster: on every primary at once, one EVAL of ceiling.lua over its own keys,
   * unlinking key by key (a script may not UNLINK keys of several slots in one call); prints one
   * count per primary and fails if any EVAL fails.
   */
  List<String> clusterCeilings(List<Integer> ports, int count) {
    List<String> c =
        new ArrayList<>(
            List.of(
                "bash",
                "-c",
                "pids=(); for p in \"${@:2}\"; do redis-cli -p \"$p\" --eval \"$1\" , pass-each "
                    + count
                    + " "
                    + Workload.FLUSH.size()
                    + " "
                    + String.join(" ", Workload.FLUSH.stream().map(f -> "'" + f + "'").toList())
                    + " "
                    + String.join(" ", Workload.PRESERVE.stream().map(f -> "'" + f + "'").toList())
                    + " & pids+=($!); done; for pid in \"${pids[@]}\"; do wait \"$pid\" || exit 1; done",
                "ceilings",
                options.root.resolve("bench/ceiling.lua").toString()));
    for (int p : ports) {
      c.add(String.valueOf(p));
    }
    return c;
  }

  /** The redis-cli pipeline, per flush pattern; redis-cli --scan's SCAN has no COUNT (so 10). */
  List<String> pipeline() {
    List<String> c =
        new ArrayList<>(
            List.of(
                "bash",
                "-c",
                "set -eo pipefail; for p in \"$@\"; do"
                    + " redis-cli -p "
                    + redis.port
                    + " --scan --pattern \"$p\" | awk '{print \"UNLINK \" $0}'"
                    + " | redis-cli -p "
                    + redis.port
                    + " --pipe; done",
                "pipeline"));
    c.addAll(Workload.FLUSH);
    return c;
  }

  List<String> xargs() {
    List<String> c =
        new ArrayList<>(
            List.of(
                "bash",
                "-c",
                "set -eo pipefail; for p in \"$@\"; do"
                    + " redis-cli -p "
                    + redis.port
                    + " --scan --pattern \"$p\" | xargs -n 1000 redis-cli -p "
                    + redis.port
                    + " unlink >/dev/null; done",
                "xargs"));
    c.addAll(Workload.FLUSH);
    return c;
  }
}
