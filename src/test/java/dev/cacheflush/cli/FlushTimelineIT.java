package dev.cacheflush.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.LogCapture;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is measured when: the baseline before the person is asked (so the time spent deciding does
 * not shift it), and the report's times placing the flush where it happened and the report's end
 * after the watch.
 */
class FlushTimelineIT {
  @TempDir Path dir;

  @Test
  void theBaselineShouldBeMeasuredBeforeThePromptAndTheReportShouldPlaceEachStepInOrder()
      throws Exception {
    try (RedisServer redis = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(redis.url());
        LogCapture logs = new LogCapture()) {
      keyspace.write(Keyspace.families(Map.of("mocs", 500, "sessions", 50)));
      Path report = dir.resolve("report.json");
      List<String> loggedWhenAsked = new ArrayList<>();
      Instant[] askedAt = new Instant[1];

      CliRun.Result r =
          new CliRun()
              .withTerminal(
                  prompt -> {
                    loggedWhenAsked.addAll(logs.lines());
                    askedAt[0] = Instant.now();
                    return "yes";
                  })
              .run(
                  "flush",
                  "--sample-window",
                  "300ms",
                  "--watch",
                  "1s",
                  "--interval",
                  "500ms",
                  "--redis-url",
                  redis.url(),
                  "--report",
                  report.toString());

      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(loggedWhenAsked)
          .as("the window before the flush had ended when the person was asked")
          .anyMatch(l -> l.startsWith("INFO Hit rate before the flush:"));
      JsonNode json = new ObjectMapper().readTree(Files.readString(report));
      Instant before = Instant.parse(json.get("hitRate").get("before").get("startedAt").asText());
      Instant flushStarted = Instant.parse(json.get("flushStartedAt").asText());
      Instant flushFinished = Instant.parse(json.get("flushFinishedAt").asText());
      Instant after = Instant.parse(json.get("hitRate").get("after").get("startedAt").asText());
      JsonNode intervals = json.get("watch").get("intervals");
      Instant lastInterval =
          Instant.parse(intervals.get(intervals.size() - 1).get("endedAt").asText());
      Instant finished = Instant.parse(json.get("finishedAt").asText());
      assertThat(before).isBefore(askedAt[0]);
      assertThat(flushStarted).as("the flush starts after the answer").isAfterOrEqualTo(askedAt[0]);
      assertThat(flushFinished).isAfterOrEqualTo(flushStarted).isBeforeOrEqualTo(after);
      assertThat(finished).as("the report is made after the watch").isAfterOrEqualTo(lastInterval);
    }
  }
}
