package dev.cacheflush.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.JarRun;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logs as JSON lines, for the log stores of containers (CloudWatch Logs Insights queries their fields). */
class LogFormatIT {
  @TempDir Path dir;

  @Test
  void logFormatJsonShouldWriteEachLogLineAsOneJsonObject() throws Exception {
    try (RedisServer redis = RedisServers.standalone()) {
      redis.call("MSET", "mocs:1", "a", "sessions:1", "s");
      JarRun run = JarRun.start(dir, "plan", "--redis-url", redis.url(), "--log-format", "json");
      assertThat(run.waitFor(120)).as(run.err()).isZero();

      List<String> lines = run.err().lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines).isNotEmpty();
      ObjectMapper json = new ObjectMapper();
      for (String line : lines) {
        JsonNode event = json.readTree(line);
        assertThat(event.get("level").asText()).isIn("INFO", "WARN", "ERROR");
        assertThat(event.get("loggerName").asText()).startsWith("dev.cacheflush");
        assertThat(event.has("arguments")).isFalse();
      }
      assertThat(lines)
          .anySatisfy(
              l ->
                  assertThat(json.readTree(l).get("formattedMessage").asText())
                      .startsWith("Connected to redis://127.0.0.1:" + redis.port()));
    }
  }
}
