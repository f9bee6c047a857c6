package dev.cacheflush.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.ConfigException;
import dev.cacheflush.gate.Gate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "gate",
    mixinStandardHelpOptions = true,
    versionProvider = CacheflushCommand.Version.class,
    description = {
      "Check a watch's report against the rollout's thresholds; connects to nothing.",
      "Looks at the last --last intervals of the watch: each hit rate at least --min-hit-rate, and the median of "
          + "their database p50s at most --max-db-spike times the p50 before the flush (or --db-slack more). "
          + "A number the report lacks (no intervals, no lookups, no probe, a failed probe, no baseline) fails its "
          + "check."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every check passed",
      "2:usage error, or a report that cannot be read",
      "3:a check failed: one FAILED line each says why"
    })
final class GateCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "REPORT",
      description =
          "JSON report of a watch (cacheflush watch --report), or of a flush with --watch.")
  Path report;

  @Option(
      names = "--baseline",
      paramLabel = "FLUSH_REPORT",
      description =
          "JSON report of the flush whose database p50 before the flush is the baseline. Default: REPORT.")
  Path baseline;

  @Option(
      names = "--min-hit-rate",
      paramLabel = "RATIO",
      description = "Hit rate (0-1) each interval needs.")
  Double minHitRate;

  @Option(
      names = "--max-db-spike",
      paramLabel = "RATIO",
      description =
          "How many times the baseline p50 the median of the intervals' p50s may be, e.g. 1.5.")
  Double maxDbSpike;

  @Option(
      names = "--db-slack",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "What the database's p50 may exceed the baseline by, whatever the ratio. Default: 5ms.")
  Duration dbSlack = Duration.ofMillis(5);

  @Option(
      names = "--last",
      paramLabel = "N",
      description = "How many of the last intervals are checked. Default: 3.")
  int last = 3;

  private final CliContext context;

  GateCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (minHitRate == null && maxDbSpike == null) {
      throw new ConfigException(
          "Name what to check: --min-hit-rate RATIO, --max-db-spike RATIO, or both");
    }
    if (minHitRate != null && !(minHitRate >= 0 && minHitRate <= 1)) {
      throw new ConfigException(
          "--min-hit-rate " + minHitRate + " is not a ratio between 0 and 1 (80 % is 0.8)");
    }
    if (maxDbSpike != null && !(maxDbSpike >= 1)) {
      throw new ConfigException(
          "--max-db-spike "
              + maxDbSpike
              + " would be below the baseline itself: give 1 or "
              + "more, e.g. 1.5");
    }
    if (last < 1) {
      throw new ConfigException("--last " + last + ": at least one interval is needed");
    }
    JsonNode watched = read(report);
    JsonNode flushed = baseline == null ? watched : read(baseline);
    List<Gate.Check> checks =
        Gate.check(
            watched,
            report.toString(),
            flushed,
            (baseline == null ? report : baseline).toString(),
            new Gate.Thresholds(minHitRate, maxDbSpike, dbSlack.toNanos() / 1e6, last));
    checks.forEach(c -> context.out().println(c.line()));
    context.out().flush();
    long failed = checks.stream().filter(c -> !c.passed()).count();
    if (failed > 0) {
      context
          .err()
          .println(
              "cacheflush: the gate failed ("
                  + failed
                  + " of "
                  + checks.size()
                  + " checks): do not "
                  + "advance the weights");
      return ExitCode.DEADLINE;
    }
    return ExitCode.DONE;
  }

  private JsonNode read(Path file) {
    Path path = context.workingDirectory().resolve(file);
    try {
      JsonNode node = new ObjectMapper().readTree(Files.readString(path));
      if (node == null || !node.isObject() || !node.has("schemaVersion")) {
        throw new ConfigException(
            file
                + " is not a cacheflush report (no schemaVersion): give the file of "
                + "--report");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          file + " is not JSON (" + e.getOriginalMessage() + "): give the file of --report");
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          file + " does not exist: give the file the watch or flush wrote with --report");
    } catch (IOException e) {
      throw new ConfigException(
          "Cannot read "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + "): give the file "
              + "of --report");
    }
  }
}
